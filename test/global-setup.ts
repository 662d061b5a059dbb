/** vitest globalSetup (runs in Node): starts the scriptable flow endpoint and provides its port. */
import type { TestProject } from "vitest/node";
import { startReceiver } from "./receiver";

declare module "vitest" {
  export interface ProvidedContext {
    receiverPort: number;
  }
}

export default async function setup(project: TestProject) {
  const receiver = await startReceiver();
  project.provide("receiverPort", receiver.port);
  return () => receiver.close();
}
