/** A stored webhook request as the inbox drain reads it (./inbox.ts owns the table). */
export type InboxRow = {
  id: number; event_id: string; received_at: number; method: string; headers: string; query: string; body: ArrayBuffer;
  source_ip: string | null; attempts: number;
};

export type NewInboxRow = Omit<InboxRow, "attempts" | "id" | "event_id"> & { id: number; event_id: string };
