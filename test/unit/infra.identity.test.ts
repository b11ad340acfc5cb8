/** The API function learns the add-on's OAuth client and Workspace domain only when both are given. */
import { synth, type Json } from '../support/infraTemplate';

function apiFunctionEnvironment(overrides: Parameters<typeof synth>[0]): Record<string, unknown> {
  const functions = synth(overrides).template.findResources('AWS::Lambda::Function') as Record<string, Json>;
  const api = Object.values(functions).find((fn: Json) => fn.Properties?.Environment?.Variables?.SNAQ_QUERY_TOKEN_SECRET !== undefined);
  expect(api).toBeDefined();
  return api.Properties.Environment.Variables as Record<string, unknown>;
}

test('with a client id and a domain, the function verifies people; with neither (or one), it identifies nobody', () => {
  expect(apiFunctionEnvironment({ googleClientId: '123-abc.apps.googleusercontent.com', googleDomain: 'snaq.me' })).toMatchObject({
    SNAQ_GOOGLE_CLIENT_ID: '123-abc.apps.googleusercontent.com',
    SNAQ_GOOGLE_DOMAIN: 'snaq.me',
  });
  for (const overrides of [{}, { googleClientId: '123-abc.apps.googleusercontent.com' }]) {
    const environment = apiFunctionEnvironment(overrides);
    expect(environment.SNAQ_GOOGLE_CLIENT_ID).toBeUndefined();
    expect(environment.SNAQ_GOOGLE_DOMAIN).toBeUndefined();
  }
});
