/** The workerd runner (no nodejs_compat): POST {broker, config} runs that broker's scenario. */
import * as alor from "@brokerkit/alor";
import * as alpacaTrading from "@brokerkit/alpaca/trading";
import * as saxo from "@brokerkit/saxo";
import scenarios from "./scenarios.cjs";

export default {
  async fetch(request) {
    const { broker, config } = await request.json();
    return Response.json(await scenarios.run(broker, { alor, alpacaTrading, saxo }, config));
  },
};
