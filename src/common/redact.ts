/**
 * Replaces the value of every `key` query parameter, so the server key never reaches a log.
 * Parameter names are compared after percent-decoding, because Express decodes `k%65y` to
 * `key` and would accept the key under that spelling.
 */
export function redactKey(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart < 0) {
    return url;
  }

  const hashStart = url.indexOf('#', queryStart);
  const end = hashStart < 0 ? url.length : hashStart;
  const parameters = url
    .slice(queryStart + 1, end)
    .split('&')
    .map((parameter) => {
      const equals = parameter.indexOf('=');
      const name = equals < 0 ? parameter : parameter.slice(0, equals);
      return decodeName(name).toLowerCase() === 'key' ? `${name}=[REDACTED]` : parameter;
    });

  return `${url.slice(0, queryStart + 1)}${parameters.join('&')}${url.slice(end)}`;
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name;
  }
}
