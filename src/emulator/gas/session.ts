/** Session: the one emulator user. Custom functions have no identity, so every call is refused there. */
import { forbidInCustomFunction, type GasContext } from './context';
import { HostObject } from './hostObject';

export class User extends HostObject {
  readonly gasClass = 'User';
  constructor(private readonly email: string) {
    super();
  }
  getEmail(): string {
    return this.email;
  }
}

export class Session extends HostObject {
  readonly gasClass = 'Session';
  constructor(private readonly ctx: GasContext) {
    super();
  }
  getActiveUserLocale(): string {
    forbidInCustomFunction(this.ctx, 'Session.getActiveUserLocale');
    return this.ctx.input.session.locale;
  }
  getActiveUser(): User {
    forbidInCustomFunction(this.ctx, 'Session.getActiveUser');
    return new User(this.ctx.input.session.email);
  }
  getEffectiveUser(): User {
    forbidInCustomFunction(this.ctx, 'Session.getEffectiveUser');
    return new User(this.ctx.input.session.email);
  }
  getScriptTimeZone(): string {
    forbidInCustomFunction(this.ctx, 'Session.getScriptTimeZone');
    return this.ctx.input.session.scriptTimeZone;
  }
  getTemporaryActiveUserKey(): string {
    forbidInCustomFunction(this.ctx, 'Session.getTemporaryActiveUserKey');
    return `temp-key-${this.ctx.input.session.email}`;
  }
}
