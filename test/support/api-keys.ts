import { createHash } from 'node:crypto';

/**
 * The API keys every test app is configured with, so tests of protected routes send a real key.
 * Pass `API_KEYS: TEST_API_KEYS` in the env given to loadAppConfig; send ADMIN_HEADERS (or
 * READ_HEADERS) with the request.
 */
export const TEST_ADMIN_SECRET = 'test-admin-secret-0123456789';
export const TEST_READ_SECRET = 'test-read-secret-0123456789';

const sha256 = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** `API_KEYS` value: `id:tier:sha256-hex` entries, comma-separated. */
export const TEST_API_KEYS = [`test-admin:admin:${sha256(TEST_ADMIN_SECRET)}`, `test-read:read:${sha256(TEST_READ_SECRET)}`].join(',');

export const ADMIN_HEADERS: Record<string, string> = { 'X-API-Key': TEST_ADMIN_SECRET };
export const READ_HEADERS: Record<string, string> = { 'X-API-Key': TEST_READ_SECRET };
