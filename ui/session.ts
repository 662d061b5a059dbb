/**
 * The API key of this tab. It lives in sessionStorage only: never in a URL,
 * a cookie or localStorage, so it is gone when the tab closes and no other
 * tab or site sees it.
 */
const STORAGE_KEY = "signalbox.apiKey";

export function getKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function setKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function clearKey(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage unavailable: nothing to clear
  }
}
