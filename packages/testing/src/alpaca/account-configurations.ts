/**
 * Per-account trading settings (/v2/account/configurations): read them, or PATCH some of them. A PATCH is checked
 * field by field so a bad value is refused with the field's name instead of being stored.
 */
import { invalid } from "./reply.js";

type Settings = Record<string, unknown>;

const DEFAULTS: Settings = {
  disable_overnight_trading: false,
  dtbp_check: "entry",
  fractional_trading: true,
  max_margin_multiplier: "4",
  max_options_trading_level: 3,
  no_shorting: false,
  pdt_check: "entry",
  ptp_no_exception_entry: false,
  suspend_trade: false,
  trade_confirm_email: "all",
};

/** What each setting accepts: a type name, or the list of allowed values. */
const RULES: Record<string, "boolean" | "string" | readonly unknown[]> = {
  disable_overnight_trading: "boolean",
  dtbp_check: ["both", "entry", "exit"],
  fractional_trading: "boolean",
  max_margin_multiplier: ["1", "2", "4"],
  max_options_trading_level: [0, 1, 2, 3],
  no_shorting: "boolean",
  pdt_check: ["both", "entry", "exit"],
  ptp_no_exception_entry: "boolean",
  suspend_trade: "boolean",
  trade_confirm_email: ["all", "none"],
};

export class AccountConfigurations {
  private readonly byAccount = new Map<string, Settings>();

  get(accountId: string): Settings {
    return { ...(this.byAccount.get(accountId) ?? DEFAULTS) };
  }

  update(accountId: string, body: unknown): Settings {
    if (!body || typeof body !== "object" || Array.isArray(body)) throw invalid("the body must be a JSON object");
    const next = this.get(accountId);
    for (const [field, value] of Object.entries(body)) {
      const rule = RULES[field];
      if (!rule) throw invalid(`${field} is not an account setting`);
      const allowed = Array.isArray(rule) ? rule.includes(value) : typeof value === rule;
      if (!allowed) throw invalid(`${field}: ${JSON.stringify(value)} is not allowed`);
      next[field] = value;
    }
    this.byAccount.set(accountId, next);
    return { ...next };
  }
}
