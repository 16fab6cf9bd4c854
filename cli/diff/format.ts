import { WORKSPACE } from '../../model/contract';
import { DANGEROUS, SEVERITIES, type Change, type DiffReport, type EnvironmentDiff, type Severity } from './model';
import { show } from './structure';

/** The marker the pull-request workflow finds its own comment by. */
export const COMMENT_MARKER = '<!-- mzops-diff -->';

const LABEL: Record<Severity, string> = { 'data loss': 'DATA LOSS', exposure: 'EXPOSURE', downtime: 'downtime', safe: 'safe' };
const ICON: Record<Severity, string> = { 'data loss': '🔴', exposure: '🟠', downtime: '🟡', safe: '🟢' };

function counts(e: EnvironmentDiff): Record<Severity, number> {
  const out = { 'data loss': 0, exposure: 0, downtime: 0, safe: 0 } as Record<Severity, number>;
  for (const c of e.changes) out[c.severity] += 1;
  return out;
}

/** Worst first, then by layer and address: the order every format lists changes in. */
function ordered(changes: readonly Change[]): Change[] {
  return [...changes].sort(
    (a, b) =>
      SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
      a.layer.localeCompare(b.layer) ||
      a.address.localeCompare(b.address),
  );
}

function side(s: DiffReport['base']): string {
  return s.commit ? `${s.label} (${s.commit.slice(0, 12)})` : s.label;
}

function verdict(report: DiffReport): string {
  if (report.dangerous) return 'unacknowledged data loss or exposure: review each, then acknowledge it (exit code 2)';
  const any = report.environments.some((e) => e.changes.length);
  return any ? 'nothing dangerous, or every danger acknowledged' : 'no change to any environment';
}

const ATTRIBUTE_LIMIT = 12;

export function formatText(report: DiffReport): string {
  const lines = [`mzops diff: ${side(report.base)} -> ${side(report.head)}`];
  for (const e of report.environments) {
    const n = counts(e);
    const summary =
      SEVERITIES.filter((s) => n[s])
        .map((s) => `${n[s]} ${s}`)
        .join(', ') || 'no change';
    lines.push('', `environment ${e.environment}${e.presence === 'both' ? '' : ` (${e.presence})`}: ${summary}`);
    for (const c of ordered(e.changes)) {
      const ack = c.acknowledged && DANGEROUS.has(c.severity) ? ' [acknowledged]' : '';
      lines.push(`  ${LABEL[c.severity].padEnd(9)} ${c.action} ${c.layer === 'terraform' ? '' : 'kubernetes '}${c.address}${ack}`);
      for (const f of c.findings) if (f.severity !== 'safe' || c.severity === 'safe') lines.push(`            ${f.reason}`);
      if (c.replacement) lines.push(`            replacement rule: ${c.replacement.source}`);
      if (DANGEROUS.has(c.severity)) lines.push(`            id: ${c.id}`);
      if (c.action === 'update' || c.action === 'replace') {
        for (const a of c.attributes.slice(0, ATTRIBUTE_LIMIT))
          lines.push(`              ${a.path}: ${show(a.before)} -> ${show(a.after)}`);
        if (c.attributes.length > ATTRIBUTE_LIMIT) lines.push(`              ... ${c.attributes.length - ATTRIBUTE_LIMIT} more`);
      }
    }
  }
  if (report.unusedAcknowledgements.length)
    lines.push('', `acknowledgements that match no change (remove them): ${report.unusedAcknowledgements.join(', ')}`);
  lines.push('', verdict(report));
  return `${lines.join('\n')}\n`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');
const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;

/** GitHub refuses a comment over 65,536 characters; the comment stays under this, with room to spare. */
export const MARKDOWN_LIMIT = 60_000;

/** How much of each change the comment shows: everything, then less, until it fits. */
interface Detail {
  /** Attribute lines of changes nobody needs to acknowledge. */
  readonly quietAttributes: boolean;
  /** Safe changes, one line each. */
  readonly safeChanges: boolean;
  /** Attribute lines of dangerous changes. */
  readonly dangerousAttributes: boolean;
  /** Findings and lines of downtime changes (the dangerous ones, with their ids, always stay). */
  readonly downtimeChanges: boolean;
}

const LEVELS: readonly [Detail, string][] = [
  [{ quietAttributes: true, safeChanges: true, dangerousAttributes: true, downtimeChanges: true }, ''],
  [
    { quietAttributes: false, safeChanges: true, dangerousAttributes: true, downtimeChanges: true },
    'the attributes of changes that need no acknowledgement',
  ],
  [
    { quietAttributes: false, safeChanges: false, dangerousAttributes: true, downtimeChanges: true },
    'the attributes of changes that need no acknowledgement, and the safe changes',
  ],
  [
    { quietAttributes: false, safeChanges: false, dangerousAttributes: false, downtimeChanges: true },
    'every attribute, and the safe changes',
  ],
  [
    { quietAttributes: false, safeChanges: false, dangerousAttributes: false, downtimeChanges: false },
    'every attribute, and the safe and downtime changes',
  ],
];

function markdownAt(report: DiffReport, detail: Detail, cut: string): string[] {
  const lines = [COMMENT_MARKER, `### mzops diff: ${code(side(report.base))} → ${code(side(report.head))}`, ''];
  if (cut)
    lines.push(
      `> Shortened to stay under GitHub's 65,536-character limit: left out are ${cut}. The full report is this run's artifact \`mzops-diff\` (also \`mzops diff --format text\`). Every change that needs acknowledging is listed with its id.`,
      '',
    );
  lines.push(
    `| environment | ${SEVERITIES.map((s) => `${ICON[s]} ${s}`).join(' | ')} |`,
    `|---|${SEVERITIES.map(() => '---:').join('|')}|`,
  );
  for (const e of report.environments) {
    const n = counts(e);
    lines.push(
      `| ${cell(e.environment)}${e.presence === 'both' ? '' : ` (${e.presence})`} | ${SEVERITIES.map((s) => String(n[s])).join(' | ')} |`,
    );
  }
  lines.push('', `**${verdict(report)}**`);
  for (const e of report.environments.filter((x) => x.changes.length)) {
    const dangerous = e.changes.some((c) => DANGEROUS.has(c.severity) && !c.acknowledged);
    const shown = ordered(e.changes).filter(
      (c) => DANGEROUS.has(c.severity) || (c.severity === 'safe' ? detail.safeChanges : detail.downtimeChanges),
    );
    lines.push('', `<details${dangerous ? ' open' : ''}><summary><b>${e.environment}</b>: ${e.changes.length} change(s)</summary>`, '');
    for (const c of shown) {
      const loud = DANGEROUS.has(c.severity);
      const ack = c.acknowledged && loud ? ' (acknowledged)' : '';
      lines.push(`- ${ICON[c.severity]} **${c.severity}**${ack}: ${c.action} ${code(c.address)}`);
      for (const f of c.findings) if (f.severity !== 'safe' || c.severity === 'safe') lines.push(`  - ${f.reason}`);
      if (c.replacement) lines.push(`  - replacement rule: ${c.replacement.source}`);
      if (loud) lines.push(`  - to acknowledge, add to ${code(WORKSPACE.acknowledgements)}: ${code(c.id)}`);
      const attributes = loud ? detail.dangerousAttributes : detail.quietAttributes;
      if (attributes && (c.action === 'update' || c.action === 'replace') && c.attributes.length) {
        for (const a of c.attributes.slice(0, ATTRIBUTE_LIMIT))
          lines.push(`  - ${code(a.path)}: ${code(show(a.before))} → ${code(show(a.after))}`);
        if (c.attributes.length > ATTRIBUTE_LIMIT) lines.push(`  - … ${c.attributes.length - ATTRIBUTE_LIMIT} more`);
      }
    }
    if (shown.length < e.changes.length) lines.push(`- … ${e.changes.length - shown.length} more, in the full report`);
    lines.push('', '</details>');
  }
  if (report.unusedAcknowledgements.length)
    lines.push('', `Acknowledgements that match no change (remove them): ${report.unusedAcknowledgements.map(code).join(', ')}`);
  return lines;
}

/**
 * The pull-request comment: a summary table, then each environment's changes, folded where nothing
 * is dangerous. When it would pass `limit` characters it shows less, in steps (the attributes of
 * quiet changes, the safe changes, every attribute, the downtime changes), saying what it left out;
 * the summary and every change that needs acknowledging, with its id, always stay. Past that, the
 * last environments' details are cut and named.
 */
export function formatMarkdown(report: DiffReport, limit = MARKDOWN_LIMIT): string {
  for (const [detail, cut] of LEVELS) {
    const text = `${markdownAt(report, detail, cut).join('\n')}\n`;
    if (text.length <= limit) return text;
  }
  const [detail, cut] = LEVELS[LEVELS.length - 1];
  const lines = markdownAt(report, detail, `${cut}; and the details of the environments at the end`);
  const names = report.environments.filter((e) => e.changes.length).map((e) => e.environment);
  const closing = (cutNames: string[]) => `\n\n… cut, read them in the full report: the details of ${cutNames.join(', ')}.\n`;
  const reserve = closing(names).length;
  const kept: string[] = [];
  let length = 0;
  let complete = 0;
  for (const line of lines) {
    if (length + line.length + 1 + reserve > limit) break;
    kept.push(line);
    length += line.length + 1;
    if (line === '</details>') complete++;
  }
  // A cut inside an open <details> block would swallow what follows it.
  if (kept.filter((l) => l.startsWith('<details')).length > complete) kept.push('', '</details>');
  return `${kept.join('\n')}${closing(names.slice(complete))}`;
}

/** `mzops diff --json` (or `--format json`): schema `mzops.diff/v1`, the report as the other formats read it. */
export function formatJson(report: DiffReport): string {
  return `${JSON.stringify({ schema: 'mzops.diff/v1', ...report }, null, 2)}\n`;
}
