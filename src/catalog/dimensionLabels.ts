/**
 * What people read for the codes of the enumerated dimensions, in both languages. The codes are
 * what the lake holds, the API answers and sheets keep; these words are shown beside them and
 * accepted in filters (resolve.ts). Product and maker names are names already, and stay as they are.
 */
import { AGE_BANDS } from '../contract/privacyPolicy';
import type { LocalizedText } from '../contract/types';

type Labels = Readonly<Record<string, LocalizedText>>;

export const PLAN_LABELS: Labels = {
  biweekly: { ja: '隔週', en: 'Every 2 weeks' },
  every4weeks: { ja: '4週ごと', en: 'Every 4 weeks' },
};

export const GENDER_LABELS: Labels = {
  female: { ja: '女性', en: 'Female' },
  male: { ja: '男性', en: 'Male' },
  other: { ja: 'その他', en: 'Other' },
  unanswered: { ja: '無回答', en: 'Not answered' },
};

export const CHANNEL_LABELS: Labels = {
  organic: { ja: '自然流入', en: 'Organic' },
  instagram: { ja: 'インスタグラム', en: 'Instagram' },
  referral: { ja: '友だち紹介', en: 'Referral' },
  ads: { ja: '広告', en: 'Ads' },
  gift: { ja: 'ギフト', en: 'Gift' },
};

export const CATEGORY_LABELS: Labels = {
  chocolate: { ja: 'チョコレート', en: 'Chocolate' },
  baked: { ja: '焼き菓子', en: 'Baked goods' },
  savory: { ja: 'しょっぱい系', en: 'Savory' },
  dried_fruit: { ja: 'ドライフルーツ', en: 'Dried fruit' },
  nuts: { ja: 'ナッツ', en: 'Nuts' },
  japanese: { ja: '和菓子', en: 'Japanese sweets' },
  gummy: { ja: 'グミ', en: 'Gummies' },
};

export const CANCEL_REASON_LABELS: Labels = {
  price: { ja: '価格', en: 'Price' },
  too_many_snacks: { ja: 'お菓子が多すぎる', en: 'Too many snacks' },
  taste: { ja: '味が合わない', en: 'Taste' },
  moving: { ja: '引っ越し', en: 'Moving' },
  pause: { ja: '一時休止', en: 'Pause' },
  other: { ja: 'その他', en: 'Other' },
};

export const TEXTURE_LABELS: Labels = {
  crunchy: { ja: 'ザクザク・カリカリ', en: 'Crunchy' },
  soft: { ja: 'しっとり・やわらか', en: 'Soft' },
  chewy: { ja: 'もちもち', en: 'Chewy' },
  any: { ja: 'こだわらない', en: 'No preference' },
};

export const ASSIGNED_BY_LABELS: Labels = {
  algorithm: { ja: 'おまかせ（アルゴリズム）', en: 'Algorithm' },
  request: { ja: 'リクエスト', en: 'Request' },
};

/** '30-39' → 30代 / 30s; the youngest and oldest bands are said as such. */
function ageBandLabel(band: string): LocalizedText {
  if (band === '0-9') return { ja: '10歳未満', en: 'Under 10' };
  const plus = /^(\d+)\+$/.exec(band);
  if (plus) return { ja: `${plus[1]}歳以上`, en: `${plus[1]} and over` };
  const low = band.split('-')[0]!;
  return { ja: `${low}代`, en: `${low}s` };
}

export const AGE_BAND_LABELS: Labels = Object.fromEntries(AGE_BANDS.map((band) => [band, ageBandLabel(band)]));
