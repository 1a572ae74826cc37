import { describe, expect, it } from 'vitest';
import { contentDisposition, inspectFile, safeFileName } from '../../api/attachments/inspect';
import { resolveReturnTo } from '../../api/auth/return-to';
import { mentionedHandles } from '../../api/comments/service';
import { allowedOrigins, sameOriginRequest } from '../../api/security/origin';
import { addressKey, forwardedClient } from '../../api/security/client-address';
import { rateLimitHeaders, TokenBucketLimiter } from '../../api/security/rate-limit';
import { ConfigError, deskflowSettings } from '../../deskflow.config';

describe('token bucket', () => {
  it('allows a burst, refuses past it, refills over time, and says when to retry', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter({ name: 'default', capacity: 3, refillPerSecond: 1 }, () => now);
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    const refused = limiter.take('a');
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterSeconds: 1, resetSeconds: 3 });
    expect(limiter.take('b').allowed).toBe(true); // buckets are per key
    now = 1500;
    expect(limiter.take('a')).toMatchObject({ allowed: true, remaining: 0 });
    now = 60_000;
    expect(limiter.take('a').remaining).toBe(2); // never more than the capacity
  });

  it('describes itself with the IETF RateLimit headers', () => {
    const policy = { name: 'default', capacity: 120, refillPerSecond: 2 };
    expect(rateLimitHeaders(policy, { allowed: true, remaining: 119, resetSeconds: 1, retryAfterSeconds: 0 })).toEqual({
      'RateLimit-Policy': '"default";q=120;w=60',
      RateLimit: '"default";r=119;t=1',
    });
    expect(rateLimitHeaders(policy, { allowed: false, remaining: 0, resetSeconds: 60, retryAfterSeconds: 1 })['Retry-After']).toBe('1');
  });
});

describe('client addresses behind proxies', () => {
  it('takes the address the nearest untrusted hop gave, counting trusted proxies from the right', () => {
    const header = '10.9.9.9, 198.51.100.7, 203.0.113.5, 192.0.2.1';
    expect(forwardedClient(header, 1)).toBe('192.0.2.1');
    expect(forwardedClient(header, 2)).toBe('203.0.113.5');
    expect(forwardedClient(header, 3)).toBe('198.51.100.7');
    // Fewer entries than proxies: every entry was written by one of ours, so the first one.
    expect(forwardedClient('198.51.100.7', 3)).toBe('198.51.100.7');
    expect(forwardedClient(' 198.51.100.7 ,2001:db8::1 ', 1)).toBe('2001:db8::1');
    for (const nothing of [undefined, '', ' , ']) expect(forwardedClient(nothing, 1)).toBeNull();
    expect(forwardedClient(header, 0)).toBeNull();
  });

  it('keys IPv4 by the address, IPv6 by its /64, IPv4-mapped IPv6 as IPv4', () => {
    expect(addressKey('203.0.113.5')).toBe('203.0.113.5');
    expect(addressKey('203.0.113.5:4711')).toBe('203.0.113.5');
    expect(addressKey('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(addressKey('::FFFF:cb00:7105')).toBe('203.0.113.5');
    const prefix = '2001:db8:1:2::/64';
    for (const address of ['2001:db8:1:2::1', '2001:0DB8:0001:0002:ffff:ffff:ffff:ffff', '[2001:db8:1:2::9]', '[2001:db8:1:2::9]:443', '2001:db8:1:2:0:0:0:0', '2001:db8:1:2::1%eth0']) {
      expect(addressKey(address), address).toBe(prefix);
    }
    expect(addressKey('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(addressKey('unknown')).toBe('unknown');
  });
});

describe('configuration', () => {
  it('reads TRUST_PROXY as a number of trusted proxies, true being one', () => {
    expect(deskflowSettings({}).TRUST_PROXY).toBe(0);
    expect(deskflowSettings({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(0);
    expect(deskflowSettings({ TRUST_PROXY: '0' }).TRUST_PROXY).toBe(0);
    expect(deskflowSettings({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(1);
    expect(deskflowSettings({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(deskflowSettings({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(() => deskflowSettings({ TRUST_PROXY: 'yes' })).toThrow(new ConfigError('TRUST_PROXY: must be true, false, or how many proxies of yours stand in front of the API (e.g. 2)'));
  });

  it('has defaults for the abuse limits', () => {
    expect(deskflowSettings({})).toMatchObject({ SIGN_IN_RATE_LIMIT_CAPACITY: 10, SIGN_IN_RATE_LIMIT_REFILL_PER_SECOND: 0.02, TRPC_MAX_BATCH_SIZE: 25, API_TOKENS_PER_USER: 20 });
    expect(deskflowSettings({ TRPC_MAX_BATCH_SIZE: '10', API_TOKENS_PER_USER: '5' })).toMatchObject({ TRPC_MAX_BATCH_SIZE: 10, API_TOKENS_PER_USER: 5 });
    expect(() => deskflowSettings({ TRPC_MAX_BATCH_SIZE: '0' })).toThrow(ConfigError);
  });
});

describe('CSRF origin check', () => {
  const allowed = allowedOrigins('https://desk.example.com', ['https://app.example.com']);
  const request = (headers: Record<string, string>) => new Request('https://desk.example.com/trpc/x', { method: 'POST', headers });
  it('accepts our origins and refuses others or none', () => {
    expect(sameOriginRequest(request({ origin: 'https://desk.example.com' }), allowed)).toBe(true);
    expect(sameOriginRequest(request({ origin: 'https://app.example.com' }), allowed)).toBe(true);
    expect(sameOriginRequest(request({ referer: 'https://app.example.com/tickets/1' }), allowed)).toBe(true);
    expect(sameOriginRequest(request({ origin: 'https://evil.example' }), allowed)).toBe(false);
    expect(sameOriginRequest(request({ origin: 'null' }), allowed)).toBe(false);
    expect(sameOriginRequest(request({ referer: 'not a url' }), allowed)).toBe(false);
    expect(sameOriginRequest(request({}), allowed)).toBe(false);
  });
});

describe('return addresses after sign-in', () => {
  const app = 'https://app.example.com';
  const origins = new Set(['https://app.example.com', 'https://desk.example.com']);
  it('accepts paths and our origins only', () => {
    expect(resolveReturnTo(undefined, app, origins)).toBe('https://app.example.com/');
    expect(resolveReturnTo('/tickets?x=1', app, origins)).toBe('https://app.example.com/tickets?x=1');
    expect(resolveReturnTo('/', app, origins)).toBe('https://app.example.com/');
    expect(resolveReturnTo('https://app.example.com/a', app, origins)).toBe('https://app.example.com/a');
    expect(resolveReturnTo('HTTPS://desk.example.com/b#c', app, origins)).toBe('https://desk.example.com/b#c');
    // Percent-encoding stays encoded and on our origin after parsing.
    expect(resolveReturnTo('/%09/evil.example', app, origins)).toBe('https://app.example.com/%09/evil.example');
    expect(resolveReturnTo('/%2F%2Fevil.example', app, origins)).toBe('https://app.example.com/%2F%2Fevil.example');
  });

  it('refuses every form a URL parser resolves off-site, control characters, and odd schemes', () => {
    const bad = [
      '//evil.example',
      '/\\evil.example',
      '\\/evil.example',
      '\\\\evil.example',
      '/\t/evil.example',
      '/\n/evil.example',
      '/\r/evil.example',
      '/tickets\u0000',
      '/tickets\u007f',
      '/tickets\u001b[0m',
      ' //evil.example',
      ' /tickets',
      '\t/tickets',
      '/tickets ',
      'https:evil.example',
      'https:/evil.example',
      'http:evil.example',
      'https://evil.example',
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'blob:https://app.example.com/0b1d',
      'http://127.0.0.1.evil.example',
      'https://app.example.com.evil.example',
      'https://deskflow@evil.example',
      'https://app.example.com@evil.example',
      'https://user:pass@app.example.com/',
      'https://app.example.com:8443/',
      'http://app.example.com/',
      '/.//evil.example',
      'tickets',
      `/${'a'.repeat(2001)}`,
    ];
    for (const value of bad) expect(resolveReturnTo(value, app, origins), JSON.stringify(value)).toBeNull();
  });
});

describe('attachment names and types', () => {
  it('keeps only a safe last segment with the detected extension', () => {
    expect(safeFileName('C:\\Users\\me\\report.final.docx', 'pdf')).toBe('report.final.pdf');
    expect(safeFileName('x'.repeat(300) + '.txt', 'txt')).toBe(`${'x'.repeat(100)}.txt`);
    expect(safeFileName('résumé.PNG', 'png')).toBe('résumé.png');
    expect(contentDisposition('résumé "final".png')).toBe(`attachment; filename="r_sum_ _final_.png"; filename*=UTF-8''r%C3%A9sum%C3%A9%20%22final%22.png`);
  });

  it('recognises files by their bytes', async () => {
    expect(await inspectFile(Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n'))).toMatchObject({ ok: true, mimeType: 'application/pdf' });
    expect(await inspectFile(Buffer.from('plain words\nand lines\n'))).toMatchObject({ ok: true, mimeType: 'text/plain' });
    expect(await inspectFile(Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe]))).toMatchObject({ ok: false });
    expect(await inspectFile(Buffer.from('#!/bin/sh\nrm -rf /\n\u0007'))).toMatchObject({ ok: false });
    expect(await inspectFile(new Uint8Array())).toMatchObject({ ok: false, reason: 'The file is empty.' });
  });
});

describe('mentions', () => {
  it('finds @handles, not email addresses', () => {
    expect(mentionedHandles('Hi @ivy.it, cc @Otto.IT. Mail me at a@b.com; @@x and (@nia.it)')).toEqual(['ivy.it', 'otto.it', 'nia.it']);
  });
});
