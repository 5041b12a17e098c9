import { isLoopbackHost, presentedSecrets, secretCheck } from '../../client/alert-auth';

const SECRET = 'intake-secret-0123456789abcdef';
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('the intake secret', () => {
  const check = secretCheck(SECRET);

  it.each([
    ['a bearer token (Alertmanager authorization)', { authorization: `Bearer ${SECRET}` }],
    ['basic auth with any user (Alertmanager basic_auth)', { authorization: basic('alertmanager', SECRET) }],
    ['the X-Alert-Token header (DataDog custom headers)', { 'x-alert-token': SECRET }],
    ['a lower-case scheme', { authorization: `bearer ${SECRET}` }],
  ])('is accepted as %s', (_form, headers) => expect(check(headers)).toBe(true));

  it.each([
    ['nothing', {}],
    ['a wrong token', { authorization: 'Bearer intake-secret-0123456789abcdeX' }],
    ['a prefix of the token', { authorization: `Bearer ${SECRET.slice(0, 10)}` }],
    ['the token with more after it', { 'x-alert-token': `${SECRET}x` }],
    ['the token as the basic-auth user', { authorization: basic(SECRET, 'x') }],
    ['an unknown scheme', { authorization: `Token ${SECRET}` }],
    ['an empty bearer', { authorization: 'Bearer ' }],
  ])('is refused given %s', (_what, headers) => expect(check(headers)).toBe(false));

  it('reads each form once, whatever else the headers carry', () => {
    expect(presentedSecrets({ authorization: `Bearer a`, 'x-alert-token': ['b', 'c'] })).toEqual(['a', 'b']);
  });

  it('tells loopback listen addresses from the others', () => {
    for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3']) expect([host, isLoopbackHost(host)]).toEqual([host, true]);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'intake.farmarcas.internal', '128.0.0.1']) expect([host, isLoopbackHost(host)]).toEqual([host, false]);
  });
});
