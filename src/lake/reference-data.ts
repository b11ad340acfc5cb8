/**
 * Fixed vocabularies for the synthetic lake. They are data, not randomness: the seed decides
 * which entity gets which value, these lists decide what values exist.
 */

/** The 47 prefectures with population in units of 10,000 (2020 census, rounded). Users are drawn by these weights. */
export const PREFECTURE_POPULATION: ReadonlyArray<readonly [string, number]> = [
  ['北海道', 522],
  ['青森県', 124],
  ['岩手県', 121],
  ['宮城県', 230],
  ['秋田県', 96],
  ['山形県', 107],
  ['福島県', 183],
  ['茨城県', 287],
  ['栃木県', 193],
  ['群馬県', 194],
  ['埼玉県', 734],
  ['千葉県', 628],
  ['東京都', 1405],
  ['神奈川県', 924],
  ['新潟県', 220],
  ['富山県', 103],
  ['石川県', 113],
  ['福井県', 77],
  ['山梨県', 81],
  ['長野県', 205],
  ['岐阜県', 198],
  ['静岡県', 363],
  ['愛知県', 754],
  ['三重県', 177],
  ['滋賀県', 141],
  ['京都府', 258],
  ['大阪府', 884],
  ['兵庫県', 547],
  ['奈良県', 132],
  ['和歌山県', 92],
  ['鳥取県', 55],
  ['島根県', 67],
  ['岡山県', 189],
  ['広島県', 280],
  ['山口県', 134],
  ['徳島県', 72],
  ['香川県', 95],
  ['愛媛県', 133],
  ['高知県', 69],
  ['福岡県', 513],
  ['佐賀県', 81],
  ['長崎県', 131],
  ['熊本県', 174],
  ['大分県', 112],
  ['宮崎県', 107],
  ['鹿児島県', 159],
  ['沖縄県', 147],
];

export const FAMILY_NAMES = [
  '佐藤',
  '鈴木',
  '高橋',
  '田中',
  '伊藤',
  '渡辺',
  '山本',
  '中村',
  '小林',
  '加藤',
  '吉田',
  '山田',
  '佐々木',
  '山口',
  '松本',
  '井上',
  '木村',
  '林',
  '斎藤',
  '清水',
] as const;

export const GIVEN_NAMES_FEMALE = ['陽子', '美咲', 'さくら', '陽菜', '結衣', '葵', '真由美', '恵', '彩', '由美', '奈々', '愛', '優子', '舞', '千尋'] as const;

export const GIVEN_NAMES_MALE = ['翔太', '大輔', '健太', '拓也', '直樹', '誠', '蓮', '悠真', '和也', '亮', '隆', '浩二', '湊', '大樹', '陸'] as const;

/** フリガナ of FAMILY_NAMES, GIVEN_NAMES_FEMALE and GIVEN_NAMES_MALE, index for index (the sample source's name_kana). */
export const FAMILY_NAMES_KANA = [
  'サトウ',
  'スズキ',
  'タカハシ',
  'タナカ',
  'イトウ',
  'ワタナベ',
  'ヤマモト',
  'ナカムラ',
  'コバヤシ',
  'カトウ',
  'ヨシダ',
  'ヤマダ',
  'ササキ',
  'ヤマグチ',
  'マツモト',
  'イノウエ',
  'キムラ',
  'ハヤシ',
  'サイトウ',
  'シミズ',
] as const;
export const GIVEN_NAMES_FEMALE_KANA = [
  'ヨウコ',
  'ミサキ',
  'サクラ',
  'ヒナ',
  'ユイ',
  'アオイ',
  'マユミ',
  'メグミ',
  'アヤ',
  'ユミ',
  'ナナ',
  'アイ',
  'ユウコ',
  'マイ',
  'チヒロ',
] as const;
export const GIVEN_NAMES_MALE_KANA = [
  'ショウタ',
  'ダイスケ',
  'ケンタ',
  'タクヤ',
  'ナオキ',
  'マコト',
  'レン',
  'ユウマ',
  'カズヤ',
  'リョウ',
  'タカシ',
  'コウジ',
  'ミナト',
  'ダイキ',
  'リク',
] as const;

export const GENDER_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['female', 70],
  ['male', 22],
  ['other', 2],
  ['unanswered', 6],
];

/** Acquisition mix outside December; in December gift purchases bring in many more users. */
export const CHANNEL_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['organic', 36],
  ['instagram', 26],
  ['referral', 14],
  ['ads', 20],
  ['gift', 4],
];
export const CHANNEL_WEIGHTS_DECEMBER: ReadonlyArray<readonly [string, number]> = [
  ['organic', 28],
  ['instagram', 20],
  ['referral', 10],
  ['ads', 17],
  ['gift', 25],
];

/** Relative sign-up (and so new-subscription) volume by calendar month: gift peak, summer dip. */
export const REGISTRATION_SEASONALITY = [1.05, 0.95, 1.1, 1.15, 1.1, 0.95, 0.72, 0.68, 0.95, 1.0, 1.15, 2.0] as const;

/** Relative shop order volume by calendar month: December gifts, Valentine's Day, a summer lull. */
export const SHOP_SEASONALITY = [0.95, 1.25, 1.1, 1.0, 1.0, 0.95, 0.85, 0.85, 0.95, 1.0, 1.15, 2.4] as const;

/** When people use the app, by JST hour of day (evenings dominate). */
export const JST_HOUR_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  1.0, 0.6, 0.3, 0.2, 0.2, 0.3, 0.6, 1.0, 1.3, 1.4, 1.5, 1.6, 2.0, 1.8, 1.5, 1.5, 1.6, 1.8, 2.2, 2.6, 3.0, 3.2, 2.8, 1.8,
].map((weight, hour) => [hour, weight] as const);

export const PLAN_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['biweekly', 45],
  ['every4weeks', 55],
];

export const CANCEL_REASON_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['price', 25],
  ['too_many_snacks', 20],
  ['taste', 12],
  ['moving', 8],
  ['pause', 25],
  ['other', 10],
];

/** Snack-diagnosis answers, 1 (not at all) to 5 (very): how sweet and how salty people like their snacks. */
export const SWEETNESS_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [1, 5],
  [2, 12],
  [3, 28],
  [4, 35],
  [5, 20],
];
export const SALTINESS_WEIGHTS: ReadonlyArray<readonly [number, number]> = [
  [1, 10],
  [2, 20],
  [3, 35],
  [4, 25],
  [5, 10],
];

export const TEXTURE_WEIGHTS: ReadonlyArray<readonly [string, number]> = [
  ['crunchy', 35],
  ['soft', 25],
  ['chewy', 15],
  ['any', 25],
];

export type ProductCategory = 'chocolate' | 'baked' | 'savory' | 'dried_fruit' | 'nuts' | 'japanese' | 'gummy';

export interface CategorySpec {
  weight: number;
  /** List price range in yen for one pack. */
  priceJpy: readonly [number, number];
  /** Product-name bases; combined with FLAVORS into names like '抹茶クッキー'. */
  bases: readonly string[];
}

export const CATEGORIES: Readonly<Record<ProductCategory, CategorySpec>> = {
  chocolate: { weight: 18, priceJpy: [250, 600], bases: ['チョコレート', 'ガナッシュ', 'ショコラ', 'チョコクランチ', 'ブラウニー', 'トリュフ'] },
  baked: { weight: 20, priceJpy: [200, 500], bases: ['クッキー', 'フィナンシェ', 'マドレーヌ', 'ラスク', 'ビスコッティ', 'サブレ'] },
  savory: { weight: 15, priceJpy: [150, 400], bases: ['おかき', 'せんべい', 'チップス', 'えびせん', 'プレッツェル', 'あられ'] },
  dried_fruit: { weight: 12, priceJpy: [300, 700], bases: ['ドライマンゴー', 'ドライいちじく', 'ほしいも', 'ドライりんご', 'ドライみかん', 'レーズン'] },
  nuts: { weight: 10, priceJpy: [300, 700], bases: ['ミックスナッツ', 'アーモンド', 'カシューナッツ', 'くるみ', 'ピスタチオ', 'ピーナッツ'] },
  japanese: { weight: 15, priceJpy: [200, 500], bases: ['かりんとう', 'ぼうろ', 'ようかん', 'おこし', '最中', '落雁'] },
  gummy: { weight: 10, priceJpy: [150, 350], bases: ['グミ', 'ソフトキャンディ', 'ゼリー', 'マシュマロ', 'ハードグミ', 'ジェリービーンズ'] },
};

export const FLAVORS = [
  '抹茶',
  '黒糖',
  'はちみつ',
  'ゆず',
  'いちご',
  'レモン',
  '塩キャラメル',
  'ほうじ茶',
  'きなこ',
  'ごま',
  'メープル',
  'ココナッツ',
] as const;

/** 40 fictional makers, each with a speciality category and home prefecture. */
export const MAKERS: ReadonlyArray<readonly [name: string, prefecture: string, category: ProductCategory]> = [
  ['蔵前チョコレート工房', '東京都', 'chocolate'],
  ['堺ショコラ舎', '大阪府', 'chocolate'],
  ['十勝ミルク菓子店', '北海道', 'chocolate'],
  ['鎌倉カカオ研究所', '神奈川県', 'chocolate'],
  ['神戸ショコラティエ', '兵庫県', 'chocolate'],
  ['博多チョコ本舗', '福岡県', 'chocolate'],
  ['谷中焼菓子店', '東京都', 'baked'],
  ['鎌倉クッキー舎', '神奈川県', 'baked'],
  ['神戸焼菓子舎', '兵庫県', 'baked'],
  ['札幌ベイク', '北海道', 'baked'],
  ['日光ラスク工房', '栃木県', 'baked'],
  ['湘南サブレ製菓', '神奈川県', 'baked'],
  ['名古屋えびせん本舗', '愛知県', 'savory'],
  ['越後あられ屋', '新潟県', 'savory'],
  ['庄内米菓', '山形県', 'savory'],
  ['越前かきもち', '福井県', 'savory'],
  ['草加せんべい堂', '埼玉県', 'savory'],
  ['房総チップス', '千葉県', 'savory'],
  ['常陸ほしいも屋', '茨城県', 'dried_fruit'],
  ['紀州みかん菓子', '和歌山県', 'dried_fruit'],
  ['岡山白桃ドライ', '岡山県', 'dried_fruit'],
  ['安曇野ドライフルーツ', '長野県', 'dried_fruit'],
  ['瀬戸内レモン菓子', '広島県', 'dried_fruit'],
  ['宮崎マンゴー工房', '宮崎県', 'dried_fruit'],
  ['信州ナッツ工房', '長野県', 'nuts'],
  ['房総ピーナッツ', '千葉県', 'nuts'],
  ['なにわ豆菓子', '大阪府', 'nuts'],
  ['熊本ナッツファクトリー', '熊本県', 'nuts'],
  ['京都抹茶菓房', '京都府', 'japanese'],
  ['加賀和三盆堂', '石川県', 'japanese'],
  ['讃岐和三盆', '香川県', 'japanese'],
  ['薩摩黒糖本舗', '鹿児島県', 'japanese'],
  ['飛騨ぼうろ', '岐阜県', 'japanese'],
  ['仙台ずんだ本舗', '宮城県', 'japanese'],
  ['上州かりんと本舗', '群馬県', 'japanese'],
  ['沖縄ちんすこう工房', '沖縄県', 'japanese'],
  ['吉祥寺グミラボ', '東京都', 'gummy'],
  ['伊予柑グミ工房', '愛媛県', 'gummy'],
  ['土佐ゆずキャンディ', '高知県', 'gummy'],
  ['静岡フルーツゼリー', '静岡県', 'gummy'],
];
