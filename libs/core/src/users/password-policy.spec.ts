import { dictionary } from '@zxcvbn-ts/language-common';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblems } from './password-policy.js';

const messages = (password: string, email?: string) => passwordProblems(password, email).map((e) => e.message);

describe('passwordProblems (issue 4: NIST SP 800-63B style policy)', () => {
  it('accepts a long passphrase with no composition rules', () => {
    expect(passwordProblems('correct horse battery staple 42')).toEqual([]);
    expect(passwordProblems('all lowercase words here', 'awa.maiga@mdm.example')).toEqual([]);
  });

  it('every problem names the password field', () => {
    const problems = passwordProblems('password', 'password@example.org');
    expect(problems.length).toBeGreaterThan(1);
    expect(problems.every((p) => p.field === 'password')).toBe(true);
  });

  describe('length', () => {
    it(`needs at least ${PASSWORD_MIN_LENGTH} characters`, () => {
      expect(PASSWORD_MIN_LENGTH).toBe(12);
      expect(messages('Xq7!vR2#kLp')).toEqual(['must be at least 12 characters long']); // 11
      expect(passwordProblems('Xq7!vR2#kLp9')).toEqual([]); // 12
      expect(messages('')).toContain('must be at least 12 characters long');
    });

    it(`allows up to ${PASSWORD_MAX_LENGTH} characters, not more`, () => {
      const long = 'abcdefghij'.repeat(26);
      expect(passwordProblems(long.slice(0, PASSWORD_MAX_LENGTH))).toEqual([]);
      expect(messages(long.slice(0, PASSWORD_MAX_LENGTH + 1))).toEqual(['must be at most 256 characters long']);
    });

    it('counts characters (Unicode code points), not UTF-16 code units', () => {
      // Six emoji are twelve UTF-16 code units but six characters: too short.
      expect(messages('🐪🌵🏜️🐫🌍🔑'.replace('\uFE0F', ''))).toContain('must be at least 12 characters long');
      // Twelve accented or non-Latin characters are twelve characters.
      expect(passwordProblems('ŋàmàjàlàbɛɔ')).toHaveLength(1); // 11
      expect(passwordProblems('ŋàmàjàlàbɛɔŋ')).toEqual([]); // 12
      expect(passwordProblems('مرحبا بكم في غاو')).toEqual([]);
      // The upper bound counts the same way (the DTO's MaxLength counts characters too).
      expect(passwordProblems('🐪🌵'.repeat(PASSWORD_MAX_LENGTH / 2))).toEqual([]);
      expect(messages('🐪🌵'.repeat(PASSWORD_MAX_LENGTH / 2 + 1))).toEqual(['must be at most 256 characters long']);
    });
  });

  describe('common passwords (@zxcvbn-ts/language-common passwords-common)', () => {
    const list = dictionary['passwords-common'] as string[];

    it('refuses a common password of 12+ characters, in any case', () => {
      expect(list).toContain('password1234');
      expect(messages('password1234')).toEqual(['is one of the most common passwords']);
      expect(messages('PassWord1234')).toEqual(['is one of the most common passwords']);
      expect(messages('qwerty123456')).toEqual(['is one of the most common passwords']);
    });

    it('refuses every entry of the list that is long enough to pass the length rule', () => {
      const long = list.filter((p) => [...p].length >= PASSWORD_MIN_LENGTH && [...p].length <= PASSWORD_MAX_LENGTH);
      expect(long.length).toBeGreaterThan(100);
      for (const p of long) expect(messages(p)).toContain('is one of the most common passwords');
    });

    it('does not refuse a password merely because it contains a common one', () => {
      expect(passwordProblems('password1234 but longer and mine')).toEqual([]);
    });
  });

  it('refuses a single repeated character (also a repeated emoji)', () => {
    expect(messages('zzzzzzzzzzzzzzzz')).toEqual(['must not repeat a single character']);
    expect(messages('🐪'.repeat(12))).toEqual(['must not repeat a single character']);
    expect(passwordProblems('zzzzzzzzzzzzzzzy')).toEqual([]);
  });

  describe('the email', () => {
    it('refuses a password containing the email’s local part, case-insensitively', () => {
      expect(messages('aminata.traore-2026', 'aminata.traore@iom.example')).toEqual(['must not contain the email address']);
      expect(messages('my name is AMINATA.TRAORE', 'Aminata.Traore@iom.example')).toEqual(['must not contain the email address']);
      expect(messages('x aminata.traore@iom.example', 'aminata.traore@iom.example')).toEqual(['must not contain the email address']);
    });

    it('ignores very short local parts (they would refuse half the dictionary)', () => {
      expect(passwordProblems('a bob sleigh ride in Gao', 'bob@iom.example')).toEqual([]);
    });

    it('accepts a password unrelated to the email, and no email at all', () => {
      expect(passwordProblems('mangoes ripen slowly in Gao', 'aminata.traore@iom.example')).toEqual([]);
      expect(passwordProblems('aminata.traore-2026')).toEqual([]);
    });
  });

  it('reports every problem at once', () => {
    expect(messages('awa.maiga', 'awa.maiga@mdm.example')).toEqual(['must be at least 12 characters long', 'must not contain the email address']);
  });
});
