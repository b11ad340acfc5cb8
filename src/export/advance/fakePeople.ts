/**
 * Fake people for `source advance`, in the formats the seed writes (lake/sourceRows.sql.ts and
 * users.sql.ts): kanji and kana names drawn at the same index, so the kana reads the kanji; mobile
 * phones, postal codes and an address line after the prefecture.
 */
import { BUILDINGS, TOWNS } from '../../lake/sourceRows.sql';
import {
  FAMILY_NAMES,
  FAMILY_NAMES_KANA,
  GENDER_WEIGHTS,
  GIVEN_NAMES_FEMALE,
  GIVEN_NAMES_FEMALE_KANA,
  GIVEN_NAMES_MALE,
  GIVEN_NAMES_MALE_KANA,
  PREFECTURE_POPULATION,
} from '../../lake/reference-data';
import type { Dice } from './dice';

export interface FakeName {
  name: string;
  nameKana: string;
}

export interface FakeAddress {
  postalCode: string;
  prefecture: string;
  addressLine: string;
}

const digits = (dice: Dice, salt: string, key: string | number, n: number) => String(dice.int(0, 10 ** n - 1, salt, key)).padStart(n, '0');

/** A name for a person of `gender`; 'other' and 'unanswered' take a given name from either list. */
export function fakeName(dice: Dice, key: string | number, gender: string): FakeName {
  const family = dice.int(0, FAMILY_NAMES.length - 1, 'name:family', key);
  const [given, givenKana]: [readonly string[], readonly string[]] =
    gender === 'female'
      ? [GIVEN_NAMES_FEMALE, GIVEN_NAMES_FEMALE_KANA]
      : gender === 'male'
        ? [GIVEN_NAMES_MALE, GIVEN_NAMES_MALE_KANA]
        : [
            [...GIVEN_NAMES_FEMALE, ...GIVEN_NAMES_MALE],
            [...GIVEN_NAMES_FEMALE_KANA, ...GIVEN_NAMES_MALE_KANA],
          ];
  const index = dice.int(0, given.length - 1, 'name:given', key);
  return { name: `${FAMILY_NAMES[family]} ${given[index]}`, nameKana: `${FAMILY_NAMES_KANA[family]} ${givenKana[index]}` };
}

export function fakeGender(dice: Dice, key: string | number): string {
  return dice.weighted(GENDER_WEIGHTS, 'gender', key);
}

/** `0X0-NNNN-NNNN`: a mobile number. */
export function fakePhone(dice: Dice, key: string | number): string {
  return `0${dice.pick(['70', '80', '90'], 'phone:net', key)}-${digits(dice, 'phone:a', key, 4)}-${digits(dice, 'phone:b', key, 4)}`;
}

/** Where someone lives: the prefecture by population, a postal code and the line after the prefecture. */
export function fakeAddress(dice: Dice, key: string | number): FakeAddress {
  const town = dice.pick(TOWNS, 'addr:town', key);
  const building = dice.chance(0.4, 'addr:bldg', key) ? ` ${dice.pick(BUILDINGS, 'addr:bname', key)}${dice.int(101, 105, 'addr:room', key)}` : '';
  return {
    postalCode: `${digits(dice, 'postal:a', key, 3)}-${digits(dice, 'postal:b', key, 4)}`,
    prefecture: dice.weighted(PREFECTURE_POPULATION, 'prefecture', key),
    addressLine: `${town}${dice.int(1, 5, 'addr:chome', key)}丁目${dice.int(1, 30, 'addr:ban', key)}-${dice.int(1, 20, 'addr:go', key)}${building}`,
  };
}
