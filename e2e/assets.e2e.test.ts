import { describe, expect, inject, it } from 'vitest';

const { url, key } = inject('server');

describe('static assets beside the API (wrangler dev)', () => {
  it('serves the dashboard at / with a same-origin-only CSP', async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(await res.text()).toContain('<script type="module" src="/app.js">');
    expect((await fetch(`${url}/app.js`)).status).toBe(200);
  });

  it('serves the API reference at /docs with its UI from this origin', async () => {
    const html = await (await fetch(`${url}/docs`)).text();
    expect(html).toContain('/vendor/swagger-ui/swagger-ui-bundle.js');
    expect(html).not.toMatch(/https?:\/\//);
    const script = await fetch(`${url}/vendor/swagger-ui/swagger-ui-bundle.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });

  it('still sends /api/* and unknown paths to the worker', async () => {
    expect((await fetch(`${url}/api/v1/openapi.json`)).status).toBe(200);
    const unauthorized = await fetch(`${url}/api/v1/jobs`);
    expect(unauthorized.status).toBe(401);
    const ok = await fetch(`${url}/api/v1/jobs`, { headers: { authorization: `Bearer ${key}` } });
    expect(ok.status).toBe(200);
    const missing = await fetch(`${url}/no-such-page`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { details: { code: string } }).details.code).toBe('NOT_FOUND');
  });
});
