const SECRET_PARAM = /(key|token|secret|password|signature)/i;

/**
 * The URL as it may appear in logs and errors: values of query parameters whose name mentions a
 * key, token, secret, password or signature are replaced, and so is any user:password part.
 *
 * @example
 *   redactedUrl('http://h/v1/prices?asset=BTC&api_key=abc') // 'http://h/v1/prices?asset=BTC&api_key=***'
 */
export function redactedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url.replace(/([?&][^=&]*(?:key|token|secret|password|signature)[^=&]*=)[^&]*/gi, '$1***');
  }
  if (parsed.username || parsed.password) {
    parsed.username = '***';
    parsed.password = '';
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) parsed.searchParams.set(name, '***');
  }
  return decodeURI(parsed.toString());
}
