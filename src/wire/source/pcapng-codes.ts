// pcapng's numbers (draft-ietf-opsawg-pcapng): block types and option codes, shared by the
// reader (pcapng-format.ts) and the writer (pcapng-writer.ts) so the two cannot disagree.

/** Block types. */
export const PCAPNG_SHB = 0x0a0d0d0a;
export const PCAPNG_IDB = 1;
export const PCAPNG_OPB = 2;
export const PCAPNG_SPB = 3;
export const PCAPNG_EPB = 6;
/** Decryption Secrets Block: session keys carried in the capture itself. */
export const PCAPNG_DSB = 0x0000000a;

/** DSB secrets types. */
export const DSB_TLS_KEY_LOG = 0x544c534b; // 'TLSK': NSS key log lines

/** The Section Header Block's byte-order magic, read in the file's byte order. */
export const PCAPNG_BYTE_ORDER_MAGIC = 0x1a2b3c4d;

/** Option codes. */
export const OPT_ENDOFOPT = 0;
export const OPT_SHB_USERAPPL = 4;
export const OPT_IF_TSRESOL = 9;
export const OPT_IF_TSOFFSET = 14;
