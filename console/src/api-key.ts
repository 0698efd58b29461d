const STORAGE_KEY = 'image-batch-compressor.api-key';

/**
 * The API key of this tab, kept in sessionStorage: a secret should not be written to disk for
 * good nor shared with other tabs, and this one is gone once the tab closes. It never goes into
 * a URL; requests carry it in the `X-API-Key` header.
 */
export class ApiKeyStore {
  private key: string | null = stored();
  private readonly listeners: (() => void)[] = [];

  get(): string | null {
    return this.key;
  }

  set(key: string | null): void {
    this.key = key === '' ? null : key;
    try {
      if (this.key) sessionStorage.setItem(STORAGE_KEY, this.key);
      else sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // Storage may be off (some private modes): the key then lasts as long as the page.
    }
    this.listeners.forEach((listener) => listener());
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
}

function stored(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
