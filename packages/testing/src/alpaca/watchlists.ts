/**
 * Watchlists per account: named lists of assets, created, read, renamed, extended and deleted as
 * Alpaca's /v2/watchlists routes do. Names are unique per account.
 */
import { randomUUID } from "node:crypto";
import { type AssetFixture, assetBody, findAsset } from "./fixtures.js";
import { ErrorCode, fail, invalid } from "./reply.js";

interface Watchlist {
  id: string;
  account_id: string;
  name: string;
  created_at: string;
  updated_at: string;
  assets: AssetFixture[];
}

export class Watchlists {
  private readonly lists: Watchlist[] = [];

  list(accountId: string): Record<string, unknown>[] {
    return this.lists.filter((w) => w.account_id === accountId).map(({ assets: _assets, ...summary }) => summary);
  }

  create(accountId: string, body: unknown): Record<string, unknown> {
    const { name, symbols } = parseRequest(body, true);
    this.checkUniqueName(accountId, name as string);
    const at = new Date().toISOString();
    const watchlist: Watchlist = {
      id: randomUUID(),
      account_id: accountId,
      name: name as string,
      created_at: at,
      updated_at: at,
      assets: resolve(symbols ?? []),
    };
    this.lists.push(watchlist);
    return render(watchlist);
  }

  get(accountId: string, id: string): Record<string, unknown> {
    return render(this.find(accountId, id));
  }

  update(accountId: string, id: string, body: unknown): Record<string, unknown> {
    const watchlist = this.find(accountId, id);
    const { name, symbols } = parseRequest(body, false);
    if (name !== undefined && name !== watchlist.name) this.checkUniqueName(accountId, name);
    if (name !== undefined) watchlist.name = name;
    if (symbols !== undefined) watchlist.assets = resolve(symbols);
    watchlist.updated_at = new Date().toISOString();
    return render(watchlist);
  }

  addAsset(accountId: string, id: string, body: unknown): Record<string, unknown> {
    const watchlist = this.find(accountId, id);
    const symbol = (body as { symbol?: unknown } | undefined)?.symbol;
    if (typeof symbol !== "string" || !symbol) throw invalid("symbol is required");
    const [asset] = resolve([symbol]);
    if (watchlist.assets.some((a) => a.symbol === asset?.symbol))
      throw invalid(`symbol "${symbol}" is already in the watchlist`);
    watchlist.assets.push(asset as AssetFixture);
    watchlist.updated_at = new Date().toISOString();
    return render(watchlist);
  }

  removeAsset(accountId: string, id: string, symbol: string): Record<string, unknown> {
    const watchlist = this.find(accountId, id);
    const before = watchlist.assets.length;
    watchlist.assets = watchlist.assets.filter((a) => a.symbol !== findAsset(symbol)?.symbol);
    if (watchlist.assets.length === before)
      throw fail(404, ErrorCode.notFound, `symbol "${symbol}" is not in the watchlist`);
    watchlist.updated_at = new Date().toISOString();
    return render(watchlist);
  }

  delete(accountId: string, id: string): void {
    const watchlist = this.find(accountId, id);
    this.lists.splice(this.lists.indexOf(watchlist), 1);
  }

  /** The id of the account's watchlist with that name, for the `:by_name` routes. */
  idByName(accountId: string, name: string | null): string {
    if (!name) throw invalid("name is required");
    const watchlist = this.lists.find((w) => w.account_id === accountId && w.name === name);
    if (!watchlist) throw fail(404, ErrorCode.notFound, `no watchlist named "${name}"`);
    return watchlist.id;
  }

  private find(accountId: string, id: string): Watchlist {
    const watchlist = this.lists.find((w) => w.id === id && w.account_id === accountId);
    if (!watchlist) throw fail(404, ErrorCode.notFound, "watchlist not found");
    return watchlist;
  }

  private checkUniqueName(accountId: string, name: string): void {
    if (this.lists.some((w) => w.account_id === accountId && w.name === name)) {
      throw invalid(`watchlist name "${name}" is already used`);
    }
  }
}

function parseRequest(body: unknown, nameRequired: boolean): { name?: string; symbols?: string[] } {
  if (!body || typeof body !== "object") throw fail(400, ErrorCode.badBody, "request body must be a JSON object");
  const { name, symbols } = body as { name?: unknown; symbols?: unknown };
  if (name !== undefined && (typeof name !== "string" || !name)) throw invalid("name must be a non-empty string");
  if (nameRequired && name === undefined) throw invalid("name is required");
  if (symbols !== undefined && symbols !== null && !Array.isArray(symbols)) throw invalid("symbols must be an array");
  const list = Array.isArray(symbols) ? symbols.filter((s): s is string => typeof s === "string") : undefined;
  return { ...(name === undefined ? {} : { name: name as string }), ...(list ? { symbols: list } : {}) };
}

function resolve(symbols: string[]): AssetFixture[] {
  return symbols.map((symbol) => {
    const asset = findAsset(symbol);
    if (!asset) throw invalid(`asset not found: symbol "${symbol}"`);
    return asset;
  });
}

const render = (w: Watchlist): Record<string, unknown> => ({ ...w, assets: w.assets.map(assetBody) });
