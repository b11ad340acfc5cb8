/**
 * Who may change the connection settings, and how a save is written: admins come from the build,
 * a save writes every key in one setProperties call under the script lock, and the secret never
 * comes back.
 */
import { publicSettings, readSettings, saveSettings, type ScriptPropertiesLike, type SettingsAccess } from '../../src/addon/server/settings';
import { UserFacingError } from '../../src/addon/server/messages';

class RecordingProperties implements ScriptPropertiesLike {
  readonly values = new Map<string, string>();
  readonly writes: string[] = [];
  /** Whether the script lock was held at each write. */
  readonly lockedAtWrite: boolean[] = [];
  constructor(private readonly lockHeld: () => boolean) {}
  getProperty(key: string): string | null {
    return this.values.get(key) ?? null;
  }
  setProperty(key: string, value: string): void {
    this.record(`setProperty ${key}`);
    this.values.set(key, value);
  }
  setProperties(properties: Record<string, string>): void {
    this.record(`setProperties ${Object.keys(properties).sort().join(',')}`);
    for (const [key, value] of Object.entries(properties)) this.values.set(key, value);
  }
  deleteProperty(key: string): void {
    this.record(`deleteProperty ${key}`);
    this.values.delete(key);
  }
  private record(write: string): void {
    this.writes.push(write);
    this.lockedAtWrite.push(this.lockHeld());
  }
}

function access(options: {
  admins: string[];
  user: string;
  lockFree?: boolean;
}): SettingsAccess & { properties: RecordingProperties; lockTaken: () => number } {
  let held = false;
  let taken = 0;
  const properties = new RecordingProperties(() => held);
  return {
    properties,
    scriptLock: () => ({
      tryLock: () => {
        if (options.lockFree === false) return false;
        taken += 1;
        held = true;
        return true;
      },
      releaseLock: () => {
        held = false;
      },
    }),
    admins: options.admins,
    user: options.user,
    lang: 'en',
    lockTaken: () => taken,
  };
}

const form = {
  endpoint: 'https://abc.execute-api.ap-northeast-1.amazonaws.com/prod/',
  region: 'ap-northeast-1',
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'the-secret',
  sessionToken: 'the-token',
};

describe('who may save', () => {
  test('a build without admins lets nobody save, not even the first person to try', () => {
    const nobody = access({ admins: [], user: 'first@example.com' });
    expect(publicSettings(nobody).canEdit).toBe(false);
    expect(() => saveSettings(nobody, form)).toThrow(
      new UserFacingError('No admins were named at build time (SNAQ_ADMINS), so nobody can change the settings.'),
    );
    expect(nobody.properties.writes).toEqual([]);
  });

  test('saving makes nobody an admin: the list stays the build’s, and others stay refused', () => {
    const admin = access({ admins: ['admin@example.com'], user: 'Admin@Example.com' });
    expect(publicSettings(admin)).toMatchObject({ canEdit: true, admins: ['admin@example.com'] });
    saveSettings(admin, form);
    expect([...admin.properties.values.keys()].some((key) => /ADMIN/i.test(key))).toBe(false);
    const other = { ...access({ admins: ['admin@example.com'], user: 'someone@example.com' }), properties: admin.properties };
    expect(publicSettings(other)).toMatchObject({ canEdit: false, admins: ['admin@example.com'] });
    expect(() => saveSettings(other, { ...form, endpoint: 'https://evil.example.com' })).toThrow(
      'Only the admins (admin@example.com) can change the settings.',
    );
    expect(admin.properties.getProperty('SNAQ_ENDPOINT')).toBe('https://abc.execute-api.ap-northeast-1.amazonaws.com/prod');
  });

  test('an unknown user (Google did not say who) may not save', () => {
    expect(() => saveSettings(access({ admins: ['admin@example.com'], user: '' }), form)).toThrow(UserFacingError);
  });
});

describe('how a save is written', () => {
  test('every key in one setProperties call, under the script lock', () => {
    const admin = access({ admins: ['admin@example.com'], user: 'admin@example.com' });
    saveSettings(admin, form);
    expect(admin.properties.writes).toEqual(['setProperties SNAQ_ACCESS_KEY_ID,SNAQ_ENDPOINT,SNAQ_REGION,SNAQ_SECRET_ACCESS_KEY,SNAQ_SESSION_TOKEN']);
    expect(admin.properties.lockedAtWrite).toEqual([true]);
    expect(admin.lockTaken()).toBe(1);
    expect(readSettings(admin.properties, 'en')).toEqual({
      endpoint: 'https://abc.execute-api.ap-northeast-1.amazonaws.com/prod',
      region: 'ap-northeast-1',
      accessKeyId: 'AKIDEXAMPLE',
      secretAccessKey: 'the-secret',
      sessionToken: 'the-token',
    });
  });

  test('an empty secret keeps the stored one; clearing the token is part of the same one call', () => {
    const admin = access({ admins: ['admin@example.com'], user: 'admin@example.com' });
    saveSettings(admin, form);
    saveSettings(admin, { ...form, secretAccessKey: '', sessionToken: '', clearSessionToken: true });
    expect(admin.properties.writes[1]).toBe('setProperties SNAQ_ACCESS_KEY_ID,SNAQ_ENDPOINT,SNAQ_REGION,SNAQ_SESSION_TOKEN');
    expect(readSettings(admin.properties, 'en')).toMatchObject({ secretAccessKey: 'the-secret' });
    expect(readSettings(admin.properties, 'en').sessionToken).toBeUndefined();
    expect(publicSettings(admin).hasSessionToken).toBe(false);
  });

  test('when the script lock cannot be had, nothing is written and the admin is told to try again', () => {
    const busy = access({ admins: ['admin@example.com'], user: 'admin@example.com', lockFree: false });
    expect(() => saveSettings(busy, form)).toThrow('Another admin is saving the settings: save again in a moment.');
    expect(busy.properties.writes).toEqual([]);
  });

  test('a form the save refuses writes nothing', () => {
    const admin = access({ admins: ['admin@example.com'], user: 'admin@example.com' });
    expect(() => saveSettings(admin, { ...form, endpoint: 'http://metrics.example.com' })).toThrow(/https:\/\//);
    expect(() => saveSettings(admin, { ...form, secretAccessKey: '' })).toThrow('Enter the access key ID and the secret.');
    expect(admin.properties.writes).toEqual([]);
  });
});

test('neither answer carries the secret or the session token', () => {
  const admin = access({ admins: ['admin@example.com'], user: 'admin@example.com' });
  const answers = [saveSettings(admin, form), publicSettings(admin)];
  for (const answer of answers) {
    expect(answer).toMatchObject({ hasSecret: true, hasSessionToken: true });
    expect(JSON.stringify(answer)).not.toContain('the-secret');
    expect(JSON.stringify(answer)).not.toContain('the-token');
  }
});
