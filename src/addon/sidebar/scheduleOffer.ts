/**
 * The refresh schedule the server offers after a KPI dashboard was inserted (ScheduleView.offer):
 * a banner the person accepts, which saves that schedule (the document's one schedule, with this
 * person's trigger), or declines. Either answer is saved, so the offer is not made again.
 */
import type { Lang } from '../../contract/types';
import type { Schedule, ScheduleView } from '../server/schedule';
import { h } from './dom';
import { callServer } from './rpc';
import type { SidebarText } from './text';

/** 1 = Monday … 7 = Sunday: 2024-01-01 was a Monday. */
function weekdayName(weekday: number, lang: Lang): string {
  return new Date(Date.UTC(2024, 0, weekday)).toLocaleDateString(lang === 'ja' ? 'ja-JP' : 'en-GB', {
    weekday: lang === 'ja' ? 'short' : 'long',
    timeZone: 'UTC',
  });
}

/** The banner, or null when nothing is offered; `answered` gets the saved view, or the error. */
export function scheduleOffer(view: ScheduleView, text: SidebarText, lang: Lang, answered: (saved: ScheduleView | Error) => void): HTMLElement | null {
  const offer = view.offer;
  if (!offer) return null;
  const answer = (schedule: Schedule | null) =>
    callServer('snaqSetSchedule', schedule).then(
      (saved) => {
        banner.remove();
        answered(saved);
      },
      (error: Error) => answered(error),
    );
  const question = text.offerSchedule.replace('{day}', weekdayName(offer.weekday ?? 1, lang)).replace('{hour}', String(offer.hour));
  const banner = h(
    'section',
    { id: 'schedule-offer', class: 'offer', 'aria-label': question },
    h('p', { class: 'question' }, question),
    h('p', { class: 'hint' }, text.offerScheduleHint),
    h(
      'div',
      { class: 'buttons' },
      h('button', { type: 'submit', id: 'accept-schedule', onclick: () => void answer(offer) }, text.acceptSchedule),
      h('button', { type: 'button', id: 'decline-schedule', onclick: () => void answer(null) }, text.declineSchedule),
    ),
  );
  return banner;
}
