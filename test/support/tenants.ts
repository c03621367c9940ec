/** Forty test tenants, so each test can have a coordinator of its own. */
export const TEST_TENANTS = Array.from({ length: 40 }, (_, i) => {
  const name = `t${String(i + 1).padStart(2, '0')}`;
  return { name, key: `test-key-${name}-0123456789` };
});

export const TEST_API_KEYS = TEST_TENANTS.map((t) => `${t.name}:${t.key}`).join(',');
