/**
 * Every operation of our Broker API spec, sent through the generated client to the real Prism serving Alpaca's
 * OFFICIAL Broker API spec (from ../shared/specs, when present): each one must reach Prism, and Prism must find
 * no violation in any request. The table holds one call per operation with its required parameters and a
 * minimal body; a test checks that the table and our spec list the same operations, so a new operation in
 * the spec fails here until it is called.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningPrism, startPrism } from "../../testing/src/prism.js";
import { type BrokerClient, createBrokerClient } from "../src/broker.js";

const here = dirname(fileURLToPath(import.meta.url));
const specs = join(here, "../../../../shared/specs/alpaca");
const present = existsSync(join(specs, "broker-api.json"));
if (!present) console.warn(`prism-coverage-broker.test.ts: skipped, Alpaca's official specs are not at ${specs}`);

/** Any well-formed id: Prism checks shapes, not existence. */
const ID = "3f0c5c1e-7a4b-4c2d-9e8f-0a1b2c3d4e5f";

const calls: Record<string, (client: BrokerClient) => Promise<unknown>> = {
  "GET /v1/accounts": (client) => client.GET("/v1/accounts"),
  "POST /v1/accounts": (client) =>
    client.POST("/v1/accounts", {
      body: {
        contact: { email_address: "ada@example.test", phone_number: "1", street_address: ["1"], city: "1" },
        identity: {
          given_name: "1",
          family_name: "1",
          date_of_birth: "2024-01-02",
          tax_id_type: "USA_SSN",
          country_of_tax_residence: "1",
          funding_source: ["employment_income"],
        },
        disclosures: {
          is_control_person: false,
          is_affiliated_exchange_or_finra: false,
          is_politically_exposed: false,
          immediate_family_exposed: false,
        },
        agreements: [{ agreement: "margin_agreement", signed_at: "2024-01-02T15:04:05Z", ip_address: "127.0.0.1" }],
      },
    }),
  "GET /v1/accounts/{account_id}": (client) =>
    client.GET("/v1/accounts/{account_id}", { params: { path: { account_id: ID } } }),
  "PATCH /v1/accounts/{account_id}": (client) =>
    client.PATCH("/v1/accounts/{account_id}", { params: { path: { account_id: ID } }, body: {} }),
  "GET /v1/trading/accounts/{account_id}/orders": (client) =>
    client.GET("/v1/trading/accounts/{account_id}/orders", { params: { path: { account_id: ID } } }),
  "POST /v1/trading/accounts/{account_id}/orders": (client) =>
    client.POST("/v1/trading/accounts/{account_id}/orders", {
      params: { path: { account_id: ID } },
      body: { type: "market", time_in_force: "day" },
    }),
  "DELETE /v1/trading/accounts/{account_id}/orders": (client) =>
    client.DELETE("/v1/trading/accounts/{account_id}/orders", { params: { path: { account_id: ID } } }),
  "GET /v1/trading/accounts/{account_id}/orders/{order_id}": (client) =>
    client.GET("/v1/trading/accounts/{account_id}/orders/{order_id}", {
      params: { path: { account_id: ID, order_id: ID } },
    }),
  "PATCH /v1/trading/accounts/{account_id}/orders/{order_id}": (client) =>
    client.PATCH("/v1/trading/accounts/{account_id}/orders/{order_id}", {
      params: { path: { account_id: ID, order_id: ID } },
      body: {},
    }),
  "DELETE /v1/trading/accounts/{account_id}/orders/{order_id}": (client) =>
    client.DELETE("/v1/trading/accounts/{account_id}/orders/{order_id}", {
      params: { path: { account_id: ID, order_id: ID } },
    }),
  "GET /v1/trading/accounts/{account_id}/positions": (client) =>
    client.GET("/v1/trading/accounts/{account_id}/positions", { params: { path: { account_id: ID } } }),
  "DELETE /v1/trading/accounts/{account_id}/positions": (client) =>
    client.DELETE("/v1/trading/accounts/{account_id}/positions", { params: { path: { account_id: ID } } }),
  "GET /v1/trading/accounts/{account_id}/positions/{symbol_or_asset_id}": (client) =>
    client.GET("/v1/trading/accounts/{account_id}/positions/{symbol_or_asset_id}", {
      params: { path: { account_id: ID, symbol_or_asset_id: "AAPL" } },
    }),
  "DELETE /v1/trading/accounts/{account_id}/positions/{symbol_or_asset_id}": (client) =>
    client.DELETE("/v1/trading/accounts/{account_id}/positions/{symbol_or_asset_id}", {
      params: { path: { account_id: ID, symbol_or_asset_id: "AAPL" } },
    }),
  "GET /v1/events/accounts/status": (client) => client.GET("/v1/events/accounts/status"),
  "GET /v1/events/trades": (client) => client.GET("/v1/events/trades"),
  "GET /v2/events/trades": (client) => client.GET("/v2/events/trades"),
  "POST /v1/accounts/{account_id}/options/approval": (client) =>
    client.POST("/v1/accounts/{account_id}/options/approval", { params: { path: { account_id: ID } }, body: {} }),
  "GET /v1/accounts/options/approvals": (client) => client.GET("/v1/accounts/options/approvals"),
  "GET /v1/accounts/{account_id}/documents": (client) =>
    client.GET("/v1/accounts/{account_id}/documents", { params: { path: { account_id: ID } } }),
  "POST /v1/accounts/{account_id}/documents/upload": (client) =>
    client.POST("/v1/accounts/{account_id}/documents/upload", {
      params: { path: { account_id: ID } },
      body: [{ document_type: "account_approval_letter", content: "1" }],
    }),
  "GET /v1/accounts/{account_id}/documents/{document_id}/download": (client) =>
    client.GET("/v1/accounts/{account_id}/documents/{document_id}/download", {
      params: { path: { account_id: ID, document_id: ID } },
    }),
  "GET /v1/accounts/{account_id}/recipient_banks": (client) =>
    client.GET("/v1/accounts/{account_id}/recipient_banks", { params: { path: { account_id: ID } } }),
  "POST /v1/accounts/{account_id}/recipient_banks": (client) =>
    client.POST("/v1/accounts/{account_id}/recipient_banks", {
      params: { path: { account_id: ID } },
      body: { name: "1", bank_code: "1", bank_code_type: "ABA", account_number: "1" },
    }),
  "DELETE /v1/accounts/{account_id}/recipient_banks/{bank_id}": (client) =>
    client.DELETE("/v1/accounts/{account_id}/recipient_banks/{bank_id}", {
      params: { path: { account_id: ID, bank_id: ID } },
    }),
  "GET /v1/accounts/ira_excess_contributions": (client) => client.GET("/v1/accounts/ira_excess_contributions"),
  "POST /v1beta/demo/banking/funding": (client) => client.POST("/v1beta/demo/banking/funding", { body: {} }),
  "POST /v1beta/accounts/funding_wallet": (client) => client.POST("/v1beta/accounts/funding_wallet", { body: {} }),
  "GET /v1beta/accounts/{account_id}/funding_wallet": (client) =>
    client.GET("/v1beta/accounts/{account_id}/funding_wallet", { params: { path: { account_id: ID } } }),
  "POST /v1beta/accounts/{account_id}/funding_wallet": (client) =>
    client.POST("/v1beta/accounts/{account_id}/funding_wallet", { params: { path: { account_id: ID } } }),
  "GET /v1beta/accounts/{account_id}/funding_wallet/funding_details": (client) =>
    client.GET("/v1beta/accounts/{account_id}/funding_wallet/funding_details", {
      params: { path: { account_id: ID } },
    }),
  "GET /v1beta/accounts/{account_id}/funding_wallet/transfers": (client) =>
    client.GET("/v1beta/accounts/{account_id}/funding_wallet/transfers", { params: { path: { account_id: ID } } }),
  "GET /v1beta/accounts/{account_id}/funding_wallet/transfers/{transfer_id}": (client) =>
    client.GET("/v1beta/accounts/{account_id}/funding_wallet/transfers/{transfer_id}", {
      params: { path: { account_id: ID, transfer_id: ID } },
    }),
  "GET /v1beta/accounts/{account_id}/funding_wallet/recipient_bank": (client) =>
    client.GET("/v1beta/accounts/{account_id}/funding_wallet/recipient_bank", { params: { path: { account_id: ID } } }),
  "POST /v1beta/accounts/{account_id}/funding_wallet/recipient_bank": (client) =>
    client.POST("/v1beta/accounts/{account_id}/funding_wallet/recipient_bank", {
      params: { path: { account_id: ID } },
      body: { bank_country: "1", currency: "1", bank_name: "1", street_address: "1", city: "1", account_number: "1" },
    }),
  "DELETE /v1beta/accounts/{account_id}/funding_wallet/recipient_bank": (client) =>
    client.DELETE("/v1beta/accounts/{account_id}/funding_wallet/recipient_bank", {
      params: { path: { account_id: ID } },
    }),
  "POST /v1beta/accounts/{account_id}/funding_wallet/withdrawal": (client) =>
    client.POST("/v1beta/accounts/{account_id}/funding_wallet/withdrawal", {
      params: { path: { account_id: ID } },
      body: {},
    }),
  "GET /v1/accounts/{account_id}/transfers": (client) =>
    client.GET("/v1/accounts/{account_id}/transfers", { params: { path: { account_id: ID } } }),
  "POST /v1/accounts/{account_id}/transfers": (client) =>
    client.POST("/v1/accounts/{account_id}/transfers", {
      params: { path: { account_id: ID } },
      body: { transfer_type: "ach", amount: "1", direction: "INCOMING", timing: "immediate" },
    }),
  "DELETE /v1/accounts/{account_id}/transfers/{transfer_id}": (client) =>
    client.DELETE("/v1/accounts/{account_id}/transfers/{transfer_id}", {
      params: { path: { account_id: ID, transfer_id: ID } },
    }),
  "GET /v1/accounts/activities": (client) => client.GET("/v1/accounts/activities"),
  "GET /v1/accounts/activities/{activity_type}": (client) =>
    client.GET("/v1/accounts/activities/{activity_type}", { params: { path: { activity_type: "FILL" } } }),
  "GET /v1/accounts/{account_id}/ach_relationships": (client) =>
    client.GET("/v1/accounts/{account_id}/ach_relationships", { params: { path: { account_id: ID } } }),
  "POST /v1/accounts/{account_id}/ach_relationships": (client) =>
    client.POST("/v1/accounts/{account_id}/ach_relationships", {
      params: { path: { account_id: ID } },
      body: {
        account_owner_name: "1",
        bank_account_type: "CHECKING",
        bank_account_number: "1",
        bank_routing_number: "1",
      },
    }),
  "DELETE /v1/accounts/{account_id}/ach_relationships/{ach_relationship_id}": (client) =>
    client.DELETE("/v1/accounts/{account_id}/ach_relationships/{ach_relationship_id}", {
      params: { path: { account_id: ID, ach_relationship_id: ID } },
    }),
  "GET /v1/trading/accounts/{account_id}/account": (client) =>
    client.GET("/v1/trading/accounts/{account_id}/account", { params: { path: { account_id: ID } } }),
  "GET /v1/trading/accounts/{account_id}/account/pdt/status": (client) =>
    client.GET("/v1/trading/accounts/{account_id}/account/pdt/status", { params: { path: { account_id: ID } } }),
  "POST /v1/trading/accounts/{account_id}/account/pdt/one-time-removal": (client) =>
    client.POST("/v1/trading/accounts/{account_id}/account/pdt/one-time-removal", {
      params: { path: { account_id: ID } },
    }),
  "POST /v1/trading/accounts/{account_id}/positions/{symbol_or_contract_id}/exercise": (client) =>
    client.POST("/v1/trading/accounts/{account_id}/positions/{symbol_or_contract_id}/exercise", {
      params: { path: { account_id: ID, symbol_or_contract_id: ID } },
      body: {},
    }),
  "POST /v1/trading/accounts/{account_id}/positions/{symbol_or_contract_id}/do-not-exercise": (client) =>
    client.POST("/v1/trading/accounts/{account_id}/positions/{symbol_or_contract_id}/do-not-exercise", {
      params: { path: { account_id: ID, symbol_or_contract_id: ID } },
      body: {},
    }),
  "GET /v1/assets": (client) => client.GET("/v1/assets"),
  "GET /v1/assets/{symbol_or_asset_id}": (client) =>
    client.GET("/v1/assets/{symbol_or_asset_id}", { params: { path: { symbol_or_asset_id: "AAPL" } } }),
  "GET /v1/assets/entry-requirements": (client) =>
    client.GET("/v1/assets/entry-requirements", { params: { query: { symbols: "AAPL" } } }),
  "GET /v1/options/contracts": (client) => client.GET("/v1/options/contracts"),
  "GET /v1/options/contracts/{symbol_or_id}": (client) =>
    client.GET("/v1/options/contracts/{symbol_or_id}", { params: { path: { symbol_or_id: "AAPL" } } }),
  "GET /v1/assets/fixed_income/us_treasuries": (client) => client.GET("/v1/assets/fixed_income/us_treasuries"),
  "GET /v1/assets/fixed_income/us_corporates": (client) => client.GET("/v1/assets/fixed_income/us_corporates"),
  "GET /v1/calendar": (client) => client.GET("/v1/calendar"),
  "GET /v1/clock": (client) => client.GET("/v1/clock"),
  "GET /v1/country-info": (client) => client.GET("/v1/country-info"),
  "GET /v1/events/journals/status": (client) => client.GET("/v1/events/journals/status"),
  "GET /v2/events/system": (client) => client.GET("/v2/events/system"),
  "GET /v2/events/journals/status": (client) => client.GET("/v2/events/journals/status"),
  "GET /v1/events/transfers/status": (client) => client.GET("/v1/events/transfers/status"),
  "GET /v2/events/admin-actions": (client) => client.GET("/v2/events/admin-actions"),
  "GET /v1/journals": (client) => client.GET("/v1/journals"),
  "POST /v1/journals": (client) =>
    client.POST("/v1/journals", { body: { to_account: ID, from_account: ID, entry_type: "JNLC" } }),
  "GET /v1/journals/{journal_id}": (client) =>
    client.GET("/v1/journals/{journal_id}", { params: { path: { journal_id: ID } } }),
  "DELETE /v1/journals/{journal_id}": (client) =>
    client.DELETE("/v1/journals/{journal_id}", { params: { path: { journal_id: ID } } }),
  "POST /v1/journals/batch": (client) =>
    client.POST("/v1/journals/batch", {
      body: { entry_type: "JNLC", from_account: ID, entries: [{ to_account: ID, amount: "1" }] },
    }),
  "GET /v1/oauth/clients/{client_id}": (client) =>
    client.GET("/v1/oauth/clients/{client_id}", { params: { path: { client_id: ID } } }),
  "POST /v1/oauth/token": (client) =>
    client.POST("/v1/oauth/token", {
      body: { client_id: ID, client_secret: "1", redirect_uri: "1", scope: "1", account_id: ID },
    }),
  "POST /v1/oauth/authorize": (client) =>
    client.POST("/v1/oauth/authorize", {
      body: { client_id: ID, client_secret: "1", redirect_uri: "1", scope: "1", account_id: ID },
    }),
  "GET /v1/trading/accounts/{account_id}/watchlists": (client) =>
    client.GET("/v1/trading/accounts/{account_id}/watchlists", { params: { path: { account_id: ID } } }),
  "POST /v1/trading/accounts/{account_id}/watchlists": (client) =>
    client.POST("/v1/trading/accounts/{account_id}/watchlists", {
      params: { path: { account_id: ID } },
      body: { name: "1", symbols: ["AAPL"] },
    }),
  "GET /v1/trading/accounts/{account_id}/watchlists/{watchlist_id}": (client) =>
    client.GET("/v1/trading/accounts/{account_id}/watchlists/{watchlist_id}", {
      params: { path: { account_id: ID, watchlist_id: ID } },
    }),
  "POST /v1/trading/accounts/{account_id}/watchlists/{watchlist_id}": (client) =>
    client.POST("/v1/trading/accounts/{account_id}/watchlists/{watchlist_id}", {
      params: { path: { account_id: ID, watchlist_id: ID } },
      body: {},
    }),
  "PUT /v1/trading/accounts/{account_id}/watchlists/{watchlist_id}": (client) =>
    client.PUT("/v1/trading/accounts/{account_id}/watchlists/{watchlist_id}", {
      params: { path: { account_id: ID, watchlist_id: ID } },
      body: { name: "1", symbols: ["AAPL"] },
    }),
  "DELETE /v1/trading/accounts/{account_id}/watchlists/{watchlist_id}": (client) =>
    client.DELETE("/v1/trading/accounts/{account_id}/watchlists/{watchlist_id}", {
      params: { path: { account_id: ID, watchlist_id: ID } },
    }),
  "GET /v1/corporate_actions/announcements": (client) =>
    client.GET("/v1/corporate_actions/announcements", {
      params: { query: { ca_types: "1", since: "2024-01-02", until: "2024-01-02" } },
    }),
  "GET /v1/accounts/{account_id}/cip": (client) =>
    client.GET("/v1/accounts/{account_id}/cip", { params: { path: { account_id: ID } } }),
  "POST /v1/accounts/{account_id}/cip": (client) =>
    client.POST("/v1/accounts/{account_id}/cip", { params: { path: { account_id: ID } }, body: {} }),
  "GET /v1/accounts/{account_id}/onfido/sdk/tokens": (client) =>
    client.GET("/v1/accounts/{account_id}/onfido/sdk/tokens", { params: { path: { account_id: ID } } }),
  "PATCH /v1/accounts/{account_id}/onfido/sdk": (client) =>
    client.PATCH("/v1/accounts/{account_id}/onfido/sdk", {
      params: { path: { account_id: ID } },
      body: { outcome: "1", token: "1" },
    }),
  "GET /v1/accounts/{account_id}/documents/w8ben/{document_id}/download": (client) =>
    client.GET("/v1/accounts/{account_id}/documents/w8ben/{document_id}/download", {
      params: { path: { account_id: ID, document_id: ID } },
    }),
  "GET /v1/corporate_actions/announcements/{id}": (client) =>
    client.GET("/v1/corporate_actions/announcements/{id}", { params: { path: { id: ID } } }),
  "GET /v1/events/nta": (client) => client.GET("/v1/events/nta"),
  "GET /v1/transfers/jit/reports": (client) =>
    client.GET("/v1/transfers/jit/reports", {
      params: { query: { report_type: "detail", system_date: "2024-01-02" } },
    }),
  "GET /v1/transfers/jit/limits": (client) => client.GET("/v1/transfers/jit/limits"),
  "GET /v1/transfers/jit/ledgers": (client) => client.GET("/v1/transfers/jit/ledgers"),
  "GET /v1/transfers/jit/{ledger_id}/balances": (client) =>
    client.GET("/v1/transfers/jit/{ledger_id}/balances", { params: { path: { ledger_id: ID } } }),
  "POST /v1/journals/reverse_batch": (client) => client.POST("/v1/journals/reverse_batch", { body: {} }),
  "GET /v1beta1/logos/{symbol}": (client) =>
    client.GET("/v1beta1/logos/{symbol}", { params: { path: { symbol: "AAPL" } } }),
  "GET /v1/reporting/eod/aggregate_positions": (client) =>
    client.GET("/v1/reporting/eod/aggregate_positions", { params: { query: { date: "2024-01-02" } } }),
  "GET /v1/reporting/eod/positions": (client) => client.GET("/v1/reporting/eod/positions"),
  "POST /v1/trading/accounts/{account_id}/orders/estimation": (client) =>
    client.POST("/v1/trading/accounts/{account_id}/orders/estimation", {
      params: { path: { account_id: ID } },
      body: {},
    }),
  "GET /v1/accounts/positions": (client) => client.GET("/v1/accounts/positions"),
  "GET /v1/trading/accounts/{account_id}/account/portfolio/history": (client) =>
    client.GET("/v1/trading/accounts/{account_id}/account/portfolio/history", { params: { path: { account_id: ID } } }),
  "DELETE /v1/trading/accounts/{account_id}/watchlists/{watchlist_id}/{symbol}": (client) =>
    client.DELETE("/v1/trading/accounts/{account_id}/watchlists/{watchlist_id}/{symbol}", {
      params: { path: { account_id: ID, watchlist_id: ID, symbol: "AAPL" } },
    }),
  "PATCH /v1/trading/accounts/{account_id}/account/configurations": (client) =>
    client.PATCH("/v1/trading/accounts/{account_id}/account/configurations", {
      params: { path: { account_id: ID } },
      body: {},
    }),
  "GET /v1/rebalancing/portfolios": (client) => client.GET("/v1/rebalancing/portfolios"),
  "POST /v1/rebalancing/portfolios": (client) => client.POST("/v1/rebalancing/portfolios", { body: {} }),
  "GET /v1/rebalancing/portfolios/{portfolio_id}": (client) =>
    client.GET("/v1/rebalancing/portfolios/{portfolio_id}", { params: { path: { portfolio_id: ID } } }),
  "PATCH /v1/rebalancing/portfolios/{portfolio_id}": (client) =>
    client.PATCH("/v1/rebalancing/portfolios/{portfolio_id}", {
      params: { path: { portfolio_id: ID } },
      body: { cooldown_days: 1 },
    }),
  "DELETE /v1/rebalancing/portfolios/{portfolio_id}": (client) =>
    client.DELETE("/v1/rebalancing/portfolios/{portfolio_id}", { params: { path: { portfolio_id: ID } } }),
  "GET /v1/rebalancing/subscriptions": (client) => client.GET("/v1/rebalancing/subscriptions"),
  "POST /v1/rebalancing/subscriptions": (client) => client.POST("/v1/rebalancing/subscriptions", { body: {} }),
  "GET /v1/rebalancing/subscriptions/{subscription_id}": (client) =>
    client.GET("/v1/rebalancing/subscriptions/{subscription_id}", { params: { path: { subscription_id: ID } } }),
  "DELETE /v1/rebalancing/subscriptions/{subscription_id}": (client) =>
    client.DELETE("/v1/rebalancing/subscriptions/{subscription_id}", { params: { path: { subscription_id: ID } } }),
  "GET /v1/rebalancing/runs": (client) => client.GET("/v1/rebalancing/runs"),
  "POST /v1/rebalancing/runs": (client) => client.POST("/v1/rebalancing/runs", { body: {} }),
  "GET /v1/rebalancing/runs/{run_id}": (client) =>
    client.GET("/v1/rebalancing/runs/{run_id}", { params: { path: { run_id: ID } } }),
  "DELETE /v1/rebalancing/runs/{run_id}": (client) =>
    client.DELETE("/v1/rebalancing/runs/{run_id}", { params: { path: { run_id: ID } } }),
  "POST /v1/accounts/{account_id}/actions/close": (client) =>
    client.POST("/v1/accounts/{account_id}/actions/close", { params: { path: { account_id: ID } } }),
  "GET /v1/accounts/{account_id}/wallets": (client) =>
    client.GET("/v1/accounts/{account_id}/wallets", { params: { path: { account_id: ID } } }),
  "GET /v1/accounts/{account_id}/wallets/transfers": (client) =>
    client.GET("/v1/accounts/{account_id}/wallets/transfers", { params: { path: { account_id: ID } } }),
  "POST /v1/accounts/{account_id}/wallets/transfers": (client) =>
    client.POST("/v1/accounts/{account_id}/wallets/transfers", {
      params: { path: { account_id: ID } },
      body: { amount: "1", address: "1", asset: "1" },
    }),
  "GET /v1/accounts/{account_id}/wallets/transfers/{transfer_id}": (client) =>
    client.GET("/v1/accounts/{account_id}/wallets/transfers/{transfer_id}", {
      params: { path: { account_id: ID, transfer_id: ID } },
    }),
  "GET /v1/accounts/{account_id}/wallets/whitelists": (client) =>
    client.GET("/v1/accounts/{account_id}/wallets/whitelists", { params: { path: { account_id: ID } } }),
  "POST /v1/accounts/{account_id}/wallets/whitelists": (client) =>
    client.POST("/v1/accounts/{account_id}/wallets/whitelists", { params: { path: { account_id: ID } }, body: {} }),
  "DELETE /v1/accounts/{account_id}/wallets/whitelists/{whitelisted_address_id}": (client) =>
    client.DELETE("/v1/accounts/{account_id}/wallets/whitelists/{whitelisted_address_id}", {
      params: { path: { account_id: ID, whitelisted_address_id: ID } },
    }),
  "GET /v1/wallets/fees/estimate": (client) => client.GET("/v1/wallets/fees/estimate"),
  "GET /v1/trading/accounts/{account_id}/limits": (client) =>
    client.GET("/v1/trading/accounts/{account_id}/limits", { params: { path: { account_id: ID } } }),
  "GET /v1/instant_funding": (client) => client.GET("/v1/instant_funding"),
  "POST /v1/instant_funding": (client) =>
    client.POST("/v1/instant_funding", { body: { account_no: "1", source_account_no: "1", amount: "1" } }),
  "GET /v1/instant_funding/{instant_funding_id}": (client) =>
    client.GET("/v1/instant_funding/{instant_funding_id}", { params: { path: { instant_funding_id: ID } } }),
  "DELETE /v1/instant_funding/{instant_funding_id}": (client) =>
    client.DELETE("/v1/instant_funding/{instant_funding_id}", { params: { path: { instant_funding_id: ID } } }),
  "GET /v1/instant_funding/settlements": (client) => client.GET("/v1/instant_funding/settlements"),
  "POST /v1/instant_funding/settlements": (client) =>
    client.POST("/v1/instant_funding/settlements", {
      body: { transfers: [{ instant_transfer_id: ID, transmitter_info: {} }] },
    }),
  "GET /v1/instant_funding/settlements/{settlement_id}": (client) =>
    client.GET("/v1/instant_funding/settlements/{settlement_id}", { params: { path: { settlement_id: ID } } }),
  "GET /v1/instant_funding/limits": (client) => client.GET("/v1/instant_funding/limits"),
  "GET /v1/instant_funding/limits/accounts": (client) =>
    client.GET("/v1/instant_funding/limits/accounts", { params: { query: { account_numbers: ["1"] } } }),
  "GET /v1/instant_funding/reports": (client) => client.GET("/v1/instant_funding/reports"),
  "GET /v1/jit/settlements": (client) => client.GET("/v1/jit/settlements"),
  "POST /v1/jit/settlements": (client) =>
    client.POST("/v1/jit/settlements", {
      body: {
        currency: "1",
        asset_class: "crypto",
        accounts: [{ account_number: "1", amount: "1", transmitter_info: {} }],
      },
    }),
  "GET /v1/jit/settlements/{settlement_id}": (client) =>
    client.GET("/v1/jit/settlements/{settlement_id}", { params: { path: { settlement_id: ID } } }),
  "GET /v1/cash_interest/apr_tiers": (client) => client.GET("/v1/cash_interest/apr_tiers"),
  "GET /v1/reporting/eod/cash_interest": (client) => client.GET("/v1/reporting/eod/cash_interest"),
  "GET /v1/fpsl/tiers": (client) => client.GET("/v1/fpsl/tiers"),
  "GET /v1/fpsl/loans": (client) => client.GET("/v1/fpsl/loans"),
  "GET /v2/events/funding/status": (client) => client.GET("/v2/events/funding/status"),
};

/** The operations of our spec, as "METHOD /path", read from the generated spec snapshot. */
function operationsOfOurSpec(): string[] {
  const snapshot = JSON.parse(readFileSync(join(here, "../src/generated/broker/spec.snapshot.json"), "utf8"));
  const paths: Record<string, Record<string, unknown>> = snapshot.documents["broker-api.yaml"].paths;
  return Object.entries(paths).flatMap(([path, item]) =>
    ["get", "post", "put", "patch", "delete"].filter((m) => m in item).map((m) => `${m.toUpperCase()} ${path}`),
  );
}

/** Prism also reports problems of its own mock answers; only violations located in the request concern us. */
function requestViolations(prism: RunningPrism): unknown[] {
  return prism.violations.flatMap((entry) => {
    if (!Array.isArray(entry.violations)) return [entry];
    const inRequest = entry.violations.filter((v: { location?: string[] }) => v.location?.[0] === "request");
    return inRequest.length ? [{ ...entry, violations: inRequest }] : [];
  });
}

describe("the Broker coverage table", () => {
  it("lists exactly the operations of our spec", () => {
    expect(Object.keys(calls).sort()).toEqual(operationsOfOurSpec().sort());
  });
});

describe.skipIf(!present)("every Broker API operation against Alpaca's official spec (Prism)", () => {
  let prism: RunningPrism;
  beforeAll(async () => {
    prism = await startPrism(join(specs, "broker-api.json"));
  });
  afterAll(() => prism?.close());

  it("sends each operation, and Prism finds no request violation", async () => {
    let sent = 0;
    const client = createBrokerClient({
      environment: "broker-sandbox",
      servers: { trading: prism.url, data: prism.url, broker: prism.url, authx: prism.url },
      credentials: { username: "CKPRISM", password: "prism-broker-secret" },
      fetch: (input, init) => {
        sent++;
        return prism.fetch(input, init);
      },
      retry: false,
    });
    const unsent: string[] = [];
    for (const [operation, call] of Object.entries(calls)) {
      const before = sent;
      try {
        await call(client);
      } catch {
        // Prism's answers are examples, not a simulation; only what it says about the request is asserted.
      }
      if (sent === before) unsent.push(operation);
    }
    expect(unsent).toEqual([]);
    expect(requestViolations(prism)).toEqual([]);
  }, 120_000);
});
