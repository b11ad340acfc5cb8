/**
 * The person behind a request, on the wire: the add-on sends the user's Google ID token in this
 * header, among the SigV4 signed headers; the service refuses the header when it is not signed.
 */
export const ID_TOKEN_HEADER = 'x-snaq-id-token';
