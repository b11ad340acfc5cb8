/**
 * People: sign-ups (with the subscription most take in the same visit, the snack diagnosis and the
 * first box), profile edits, diagnosis retakes, and erasures on request.
 */
import { createHash } from 'node:crypto';
import { CHANNEL_WEIGHTS, CHANNEL_WEIGHTS_DECEMBER, PLAN_WEIGHTS, SALTINESS_WEIGHTS, SWEETNESS_WEIGHTS, TEXTURE_WEIGHTS } from '../../lake/reference-data';
import { OTHER_ALLERGIES } from '../../lake/sourceRows.sql';
import { bookBoxes, firstBooking, type BoxBooking } from './boxes';
import { DAY_SECONDS, jstDateOf, laterInDay, momentIn, sqlDate, sqlDateTime } from './businessDay';
import type { DayContext } from './dayContext';
import type { SourceRecord } from './dayWriter';
import { fakeAddress, fakeGender, fakeName, fakePhone } from './fakePeople';
import { DIAGNOSIS_RETAKES_PER_USER_DAY, erasuresPerDay, expectedSignUps, PROFILE_EDITS_PER_USER_DAY } from './volumes';

/** New people of the day, as users.sql.ts draws them; most subscribe and take the diagnosis in the same visit. */
export async function signUps(ctx: DayContext): Promise<void> {
  const { day } = ctx;
  const dice = day.dice;
  const users: SourceRecord[] = [];
  const subscriptions: SourceRecord[] = [];
  const diagnoses: SourceRecord[] = [];
  const bookings: BoxBooking[] = [];
  const count = dice.count(expectedSignUps(day.jstDate, ctx.scale), 'signups');
  for (let i = 0; i < count; i++) {
    const userId = ctx.nextId.user++;
    const registeredAt = momentIn(day, 'signup', userId);
    const registeredDay = jstDateOf(registeredAt);
    const gender = fakeGender(dice, userId);
    const channel = dice.weighted(
      new Date(registeredDay * DAY_SECONDS * 1000).getUTCMonth() === 11 ? CHANNEL_WEIGHTS_DECEMBER : CHANNEL_WEIGHTS,
      'channel',
      userId,
    );
    const { name, nameKana } = fakeName(dice, userId, gender);
    const address = fakeAddress(dice, userId);
    // Aged 22..56 at sign-up, centred on the late 30s.
    const ageYears = 22 + 17 * (dice.u('age:1', userId) + dice.u('age:2', userId));
    const at = sqlDateTime(registeredAt);
    users.push({
      user_id: userId,
      email: `user${userId}@example.com`,
      name,
      name_kana: nameKana,
      phone: fakePhone(dice, userId),
      postal_code: address.postalCode,
      prefecture: address.prefecture,
      address_line: address.addressLine,
      birth_date: sqlDate(registeredDay - Math.floor(ageYears * 365.25)),
      gender,
      registered_at: at,
      acquisition_channel: channel,
      password_hash: `$2b$10$${createHash('md5')
        .update(`pw:${dice.u('password', userId)}`)
        .digest('hex')}`,
      last_login_at: at,
      created_at: at,
      updated_at: at,
    });
    // Gift recipients subscribe less often (subscriptions.sql.ts).
    if (dice.chance(channel === 'gift' ? 0.6 : 0.77, 'subscribe', userId)) {
      const subscriptionId = ctx.nextId.subscription++;
      const startedAt = laterInDay(day, registeredAt, 120 + 1800 * dice.u('subscribe:delay', userId));
      const plan = dice.weighted(PLAN_WEIGHTS, 'plan', userId);
      const started = sqlDateTime(startedAt);
      subscriptions.push({
        subscription_id: subscriptionId,
        user_id: userId,
        plan,
        status: 'active',
        started_at: started,
        canceled_at: null,
        cancel_reason: null,
        cancel_comment: null,
        created_at: started,
        updated_at: started,
      });
      bookings.push(firstBooking({ subscriptionId, userId, plan, startedAt }, startedAt));
    }
    if (dice.chance(0.88, 'diag', userId)) {
      const answeredAt = sqlDateTime(laterInDay(day, registeredAt, 60 + 840 * dice.u('diag:delay', userId)));
      diagnoses.push({
        user_id: userId,
        answered_at: answeredAt,
        ...diagnosisAnswers(ctx, userId),
        allergy_nuts: dice.chance(0.04, 'diag:nuts', userId) ? 1 : 0,
        allergy_wheat: dice.chance(0.02, 'diag:wheat', userId) ? 1 : 0,
        allergy_milk: dice.chance(0.03, 'diag:milk', userId) ? 1 : 0,
        allergy_other: dice.chance(0.02, 'diag:other', userId) ? dice.pick(OTHER_ALLERGIES, 'diag:other:which', userId) : null,
        updated_at: answeredAt,
      });
    }
  }
  await ctx.w.insert('users', users);
  await ctx.w.insert('subscriptions', subscriptions);
  await ctx.w.insert('diagnoses', diagnoses);
  await bookBoxes(ctx, bookings);
}

function diagnosisAnswers(ctx: DayContext, key: string | number): SourceRecord {
  const dice = ctx.day.dice;
  return {
    sweetness_pref: dice.weighted(SWEETNESS_WEIGHTS, 'diag:sweet', key),
    saltiness_pref: dice.weighted(SALTINESS_WEIGHTS, 'diag:salt', key),
    texture_pref: dice.weighted(TEXTURE_WEIGHTS, 'diag:texture', key),
  };
}

/**
 * Up to `count` distinct existing keys of `table`, drawn uniformly from the people registered before
 * the day (drawing twice as many ids as needed, as erased people leave gaps).
 */
async function somePeople(ctx: DayContext, table: 'users' | 'diagnoses', count: number, salt: string): Promise<number[]> {
  if (count <= 0 || ctx.registeredUsers === 0) return [];
  const drawn = Array.from({ length: 2 * count + 2 }, (_, i) => 1 + Math.floor(ctx.day.dice.u(salt, i) * ctx.registeredUsers));
  const found = new Set((await ctx.w.select<{ user_id: number }>(`SELECT user_id FROM ${table} WHERE user_id IN (?)`, [drawn])).map((r) => Number(r.user_id)));
  return [...new Set(drawn.filter((id) => found.has(id)))].slice(0, count);
}

/** People who move (a new prefecture, postal code and address line) or change their phone number. */
export async function profileEdits(ctx: DayContext): Promise<void> {
  const { day } = ctx;
  const people = await somePeople(ctx, 'users', day.dice.count(ctx.registeredUsers * PROFILE_EDITS_PER_USER_DAY, 'edits'), 'edit:who');
  for (const userId of people) {
    const at = sqlDateTime(momentIn(day, 'edit', userId));
    if (day.dice.chance(0.6, 'edit:moves', userId)) {
      const address = fakeAddress(day.dice, `moved:${userId}`);
      await ctx.w.update(
        'users',
        { postal_code: address.postalCode, prefecture: address.prefecture, address_line: address.addressLine, updated_at: at },
        { user_id: userId },
      );
    } else {
      await ctx.w.update('users', { phone: fakePhone(day.dice, `phone:${userId}`), updated_at: at }, { user_id: userId });
    }
  }
}

/** People who take the snack diagnosis again: new answers, a new answered_at. */
export async function diagnosisRetakes(ctx: DayContext): Promise<void> {
  const { day } = ctx;
  const people = await somePeople(ctx, 'diagnoses', day.dice.count(ctx.registeredUsers * DIAGNOSIS_RETAKES_PER_USER_DAY, 'retakes'), 'retake:who');
  for (const userId of people) {
    const at = sqlDateTime(momentIn(day, 'retake', userId));
    await ctx.w.update('diagnoses', { answered_at: at, ...diagnosisAnswers(ctx, `retake:${userId}`), updated_at: at }, { user_id: userId });
  }
}

/**
 * Erasure on request, for people who have left (every subscription canceled): their personal row and
 * their ratings, requests and diagnoses go; their boxes, subscriptions and shop orders stay for the tax
 * records, with the person set to NULL. Answers how many people were erased.
 */
export async function erasures(ctx: DayContext): Promise<number> {
  const { day, w } = ctx;
  const left = await w.select<{ user_id: number }>(
    "SELECT user_id FROM subscriptions WHERE user_id IS NOT NULL GROUP BY user_id HAVING SUM(status = 'active') = 0 ORDER BY user_id",
  );
  // Never the newest person: keys are max + 1, and an id must never come back for someone else.
  const candidates = left.map((r) => Number(r.user_id)).filter((id) => id < ctx.registeredUsers);
  const erased = candidates
    .map((id) => ({ id, order: day.dice.u('erase', id) }))
    .sort((a, b) => a.order - b.order)
    .slice(0, erasuresPerDay(ctx.registeredUsers))
    .map((c) => c.id)
    .sort((a, b) => a - b);
  if (erased.length === 0) return 0;
  const at = sqlDateTime(momentIn(day, 'erase'));
  for (const table of ['ratings', 'snack_requests', 'diagnoses'] as const) await w.delete(table, { user_id: erased });
  for (const table of ['boxes', 'subscriptions', 'shop_orders'] as const) await w.update(table, { user_id: null, updated_at: at }, { user_id: erased });
  await w.delete('users', { user_id: erased });
  return erased.length;
}
