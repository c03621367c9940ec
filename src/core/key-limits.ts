/** Tenant ids are at most this long (the API_KEYS rule in api/auth.ts). */
export const MAX_TENANT_ID_LENGTH = 64;
/** R2 refuses longer object keys. */
export const R2_MAX_KEY_BYTES = 1024;
/**
 * A file path becomes the key `t/{tenant}/files/{path}`: the limit leaves room for the longest
 * tenant's prefix, so it is the same for every tenant and no accepted path overflows a key.
 */
export const MAX_PATH_BYTES = R2_MAX_KEY_BYTES - `t/${'x'.repeat(MAX_TENANT_ID_LENGTH)}/files/`.length;
