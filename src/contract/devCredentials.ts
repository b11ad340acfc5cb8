/**
 * The documented development key pair of the local stack. It signs and verifies requests on a
 * laptop exactly as IAM would in AWS; the local server refuses to listen beyond loopback with it.
 */
export const DEV_CREDENTIALS = {
  accessKeyId: 'AKIDSNAQLOCALDEV0001',
  secretAccessKey: 'snaq-local-development-secret-not-for-production',
  principal: 'local-developer',
} as const;

export const DEFAULT_REGION = 'ap-northeast-1';
export const SIGNING_SERVICE = 'execute-api';
