/**
 * Who the person behind a request is, for both front doors (the local server and the Lambda): the
 * ID token in `X-Snaq-Id-Token`, accepted only when the SigV4 signature covers that header (so a
 * token cannot be lifted from one request into another's signature), and only once verified.
 */
import { ApiError } from '../../contract/errors';
import { ID_TOKEN_HEADER } from '../../contract/identity';
import { parseAuthorization } from '../auth/parseAuthorization';
import { IdTokenRejected } from './jwt';
import { JwksUnavailable } from './jwks';
import type { IdTokenVerifier, VerifiedIdentity } from './idToken';

export { ID_TOKEN_HEADER };

/**
 * The verified person, or undefined when the request carries no token (custom functions, the CLI)
 * or the service has no verifier configured. A token that is unsigned or fails verification is
 * refused (401): a client that sends one means to be someone, and must learn that it is not.
 */
export async function identify(headers: Record<string, string | undefined>, verifier: IdTokenVerifier | undefined): Promise<VerifiedIdentity | undefined> {
  const token = headers[ID_TOKEN_HEADER]?.trim();
  if (!token) return undefined;
  const authorization = parseAuthorization(headers.authorization ?? '');
  if (!authorization.ok || !authorization.value.signedHeaders.includes(ID_TOKEN_HEADER)) {
    throw new ApiError('UNAUTHENTICATED', `The ${ID_TOKEN_HEADER} header must be among the SigV4 signed headers.`, { reason: 'id_token_unsigned' });
  }
  if (!verifier) return undefined;
  try {
    return await verifier.verify(token);
  } catch (error) {
    if (error instanceof IdTokenRejected) throw new ApiError('UNAUTHENTICATED', error.message, { reason: 'id_token', problem: error.problem });
    if (error instanceof JwksUnavailable) {
      throw new ApiError('ENGINE_UNAVAILABLE', 'The identity keys could not be fetched, so the person could not be verified. Try again shortly.', {
        reason: 'identity_keys_unavailable',
        retryable: true,
      });
    }
    throw error;
  }
}
