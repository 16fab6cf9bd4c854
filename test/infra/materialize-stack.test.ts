import { synthesized } from './stack-fixture';

// No whole-stack snapshot: the committed dist/ and cdktf.out of the repository are checked for
// drift, and what matters in a stack is asserted by name (constructs, policy, provider-names tests).
describe('side by side', () => {
  it('gives each environment its own global names', () => {
    const names = ['example', 'staging', 'prod'].map((n) => {
      const r = synthesized(n).parsed.resource;
      return [r.azurerm_storage_account, r.azurerm_postgresql_flexible_server, r.azurerm_resource_group].map(
        (x) => Object.values(x)[0].name,
      );
    });
    const flat = names.flat();
    expect(new Set(flat).size).toBe(flat.length);
  });
});
