import type { SynthReport } from './write-dist';

/** What synth says after writing: which environments still lack sealed values, which folders lost their file. */
export function describeReport(report: SynthReport, distDir = 'dist'): string[] {
  const lines = [`${distDir}: ${report.written.join(', ')}`];
  for (const u of report.unsealed) {
    lines.push(`warning: environment "${u.environment}" is not sealed yet (missing ${u.missing.join(', ')}): its SealedSecret is a placeholder; run mzops seal ${u.environment}`);
  }
  for (const o of report.orphans) {
    lines.push(`warning: ${distDir}/${o} has no environment file; Flux still applies it. Delete the folder on purpose if the environment is gone.`);
  }
  return lines;
}
