import { readFileSync } from 'node:fs';
import { certManagerStatus, CERT_MANAGER_CALENDAR, DEFAULT_CERT_MANAGER_VERSION } from '../../model/cert-manager-versions';
import { OPERATOR_CHARTS } from '../../model/generated/operator-chart-defaults';
import { loadEnvironment } from '../../model/load';
import { DEFAULT_OPERATOR_VERSION, operatorChartDefaults, VERIFIED_OPERATOR_VERSIONS } from '../../model/operator-versions';
import { EnvironmentValidationError, environmentWarnings } from '../../model/validate';
import { generateOperatorDefaults } from '../../scripts/gen-operator-defaults';
import { exampleWith, REPO_ROOT } from '../helpers';
import { reference } from '../support/reference';

/** Versions the project vouches for, and cert-manager's calendar, against fixed clocks. */
const at = (iso: string) => ({ now: new Date(`${iso}T12:00:00Z`) });

function problems(change: Parameters<typeof exampleWith>[0], iso = '2026-12-03'): string[] {
  try {
    loadEnvironment(exampleWith(change), at(iso));
    return [];
  } catch (e) {
    if (e instanceof EnvironmentValidationError) return e.problems.map((p) => `${p.field} ${p.rule}`);
    throw e;
  }
}

describe('operator chart versions', () => {
  it('vouches exactly for the charts in the reference data, each rendered by the chart tests', () => {
    const manifest = JSON.parse(readFileSync(`${REPO_ROOT}/reference.json`, 'utf8')) as { files: { path: string }[] };
    const inReference = [
      ...new Set(manifest.files.map((f) => /^charts\/materialize-operator-(v[\d.]+)\//.exec(f.path)?.[1]).filter(Boolean)),
    ].sort();
    expect([...VERIFIED_OPERATOR_VERSIONS].sort()).toEqual(inReference);
    expect(VERIFIED_OPERATOR_VERSIONS).toContain(DEFAULT_OPERATOR_VERSION);
  });

  it('model/generated/operator-chart-defaults.ts is what the generator makes from those charts today', () => {
    const fresh = generateOperatorDefaults(
      VERIFIED_OPERATOR_VERSIONS.map((v) => [v, readFileSync(reference(`charts/materialize-operator-${v}/values.yaml`), 'utf8')]),
    );
    expect(readFileSync(`${REPO_ROOT}/model/generated/operator-chart-defaults.ts`, 'utf8')).toBe(fresh);
  });

  it('every verified chart offers the same replica sizes (validation reads one list)', () => {
    for (const v of VERIFIED_OPERATOR_VERSIONS)
      expect(OPERATOR_CHARTS[v].replicaSizes).toEqual(OPERATOR_CHARTS[DEFAULT_OPERATOR_VERSION].replicaSizes);
  });

  it('refuses a version nobody rendered, and accepts it acknowledged, with a warning on every run', () => {
    expect(problems((d) => (d.materialize.operatorChartVersion = 'v26.39.0'))).toEqual([
      'materialize.operatorChartVersion is not a version this project renders and checks (v26.12.0, v26.37.0); to run it anyway, set materialize.allowUnverifiedVersion: true',
    ]);
    const acknowledged = loadEnvironment(
      exampleWith((d) => {
        d.materialize.operatorChartVersion = 'v26.39.0';
        d.materialize.allowUnverifiedVersion = true;
      }),
      at('2026-12-03'),
    );
    expect(environmentWarnings(acknowledged, at('2026-12-03'))).toEqual([
      expect.stringMatching(
        /^warning: environment "example": materialize.operatorChartVersion v26.39.0 was not rendered or checked here \(verified: v26.12.0, v26.37.0\); its values, network policies and capacity are those written for v26.37.0/,
      ),
    ]);
    // Modelled with the newest verified chart below it.
    expect(operatorChartDefaults('v26.39.0')).toBe(OPERATOR_CHARTS['v26.37.0']);
    expect(operatorChartDefaults('v26.20.0')).toBe(OPERATOR_CHARTS['v26.12.0']);
  });

  it('says when the acknowledgement is left on a verified version', () => {
    const env = loadEnvironment(
      exampleWith((d) => (d.materialize.allowUnverifiedVersion = true)),
      at('2026-12-03'),
    );
    expect(environmentWarnings(env, at('2026-12-03'))).toEqual([
      'warning: environment "example": materialize.allowUnverifiedVersion is on, but v26.37.0 is verified: remove the line',
    ]);
  });

  it('keeps v26.12.0, the old default, supported for existing environments', () => {
    expect(problems((d) => (d.materialize.operatorChartVersion = 'v26.12.0'))).toEqual([]);
  });
});

describe("cert-manager's support calendar", () => {
  it('refuses v1.17.1, the old default, out of support since the release of 1.19', () => {
    expect(certManagerStatus('v1.17.1', new Date('2025-10-06T12:00:00Z')).kind).not.toBe('endOfLife');
    expect(problems((d) => (d.charts = { certManager: 'v1.17.1' }), '2025-10-08')).toContainEqual(
      expect.stringMatching(/^charts.certManager is on a cert-manager line out of support since 2025-10-07 \(supported now: 1\.18, 1\.19;/),
    );
  });

  it('warns for a supported line once a newer one is out, and is quiet on the newest', () => {
    const on = (version: string) =>
      environmentWarnings(
        loadEnvironment(
          exampleWith((d) => (d.charts = { certManager: version })),
          at('2026-12-03'),
        ),
        at('2026-12-03'),
      );
    expect(on('v1.20.3')).toEqual([
      'warning: environment "example": charts.certManager v1.20.3 is supported only until cert-manager 1.22 is released (1.21 is out); upgrade to v1.21.1',
    ]);
    expect(on(DEFAULT_CERT_MANAGER_VERSION)).toEqual([]);
  });

  it('refuses a line before its release day and a line the table does not know', () => {
    expect(certManagerStatus('v1.21.1', new Date('2026-07-07T12:00:00Z')).kind).toBe('unknown');
    expect(certManagerStatus('v1.21.1', new Date('2026-07-09T12:00:00Z')).kind).toBe('supported');
    expect(certManagerStatus('v1.30.0', new Date('2026-12-03T12:00:00Z')).kind).toBe('unknown');
  });

  it('does not check cert-manager where it is not installed (TLS off)', () => {
    expect(
      problems((d) => {
        d.charts = { certManager: 'v1.17.1' };
        d.materialize.tls = false;
      }),
    ).toEqual([]);
  });

  it('has each line end no earlier than the release of the line two after it', () => {
    const lines = Object.keys(CERT_MANAGER_CALENDAR);
    lines.forEach((line, i) => {
      const eol = CERT_MANAGER_CALENDAR[line].endOfLife;
      const twoAfter = CERT_MANAGER_CALENDAR[lines[i + 2]]?.released;
      expect(eol).toBe(twoAfter);
    });
  });
});

describe('the system pool', () => {
  it('is one AKS supports by default (two D4ds_v5, autoscaling to five), and the single B2s only as a named throwaway, with a warning', () => {
    const supported = loadEnvironment(
      exampleWith(() => undefined),
      at('2026-12-03'),
    );
    expect(supported.aks.systemPool).toMatchObject({ vmSize: 'Standard_D4ds_v5', nodeCount: 2, maxCount: 5 });
    const throwaway = loadEnvironment(
      exampleWith((d) => (d.aks = { ...d.aks, throwawaySystemPool: true })),
      at('2026-12-03'),
    );
    expect(throwaway.aks.systemPool).toMatchObject({ vmSize: 'Standard_B2s', nodeCount: 1, maxCount: 1 });
    expect(environmentWarnings(throwaway, at('2026-12-03'))).toContainEqual(
      expect.stringMatching(/aks.throwawaySystemPool is on: 1 x Standard_B2s is a system pool AKS does not support/),
    );
  });
});
