import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BodyTooLargeError, readRequestBody } from '../../local/http-server';

describe('readRequestBody', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      readRequestBody(req, 1024).then(
        (text) => res.end(`ok ${text.length} ${text.slice(0, 4)}`),
        (err) => res.writeHead(413).end(err instanceof BodyTooLargeError ? err.message : 'other'),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('returns a body within the bound as UTF-8 text', async () => {
    const res = await fetch(url, { method: 'POST', body: 'ação'.repeat(10) });
    expect(await res.text()).toBe('ok 40 ação');
  });

  it('refuses a body past the bound, naming the limit', async () => {
    const res = await fetch(url, { method: 'POST', body: 'x'.repeat(4096) });
    expect(res.status).toBe(413);
    expect(await res.text()).toBe('request body larger than 1024 bytes');
  });
});
