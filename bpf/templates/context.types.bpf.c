/*
 * ---- Context: what a record carries besides the tracepoint's own fields ----
 * (TpGen.Emitters.Bpf.ContextConfigLayout describes these for the runtime.)
 *
 * Between the header and the record: the process's context (the command name, 16 bytes, then
 * the cgroup id, 8 bytes, each when asked for), then the event's context: a status word, the
 * user-space strings its syscall arguments point to, and a packet block (members of its sk_buff
 * and the first bytes from its network header). A tp_btf event's record is its arguments, a u64
 * each, and the struct members captured from them. Every offset of every member is the running
 * kernel's, resolved by name from its BTF at load: one object for every kernel.
 */
#define TPGEN_CAPTURE_CGROUP 2         /* the task's cgroup id, 8 bytes after the command name */
#define TPGEN_MAX_STRINGS 4            /* ContextConfigLayout.MaxStrings */
#define TPGEN_MAX_MEMBERS 16           /* ContextConfigLayout.MaxMembers */
#define TPGEN_MAX_HOPS 4               /* ContextConfigLayout.MaxHops */
#define TPGEN_STRING_READ(s) (1u << (16 + (s)))
#define TPGEN_STRING_CUT(s) (1u << (20 + (s)))
#define TPGEN_PACKET_READ (1u << 24)

/* A kernel struct member: from the pointer at `root` in the program's context, follow `hops` pointers. */
struct tpgen_member {
    __u16 root;                          /* where the pointer the path starts from is in the program's context */
    __u16 dest;                          /* where the value goes, counted from the end of the header */
    __u8 hops;                           /* pointers loaded after the root, at offset[0..hops-1] */
    __u8 size;                           /* bytes read at offset[hops] of the last object */
    __u16 offset[TPGEN_MAX_HOPS + 1];
};

/* A NUL-terminated string in the traced process's memory, pointed to by a record field. */
struct tpgen_user_string {
    __u16 root;                          /* where the pointer is in the record */
    __u16 dest;                          /* where the text goes, counted from the end of the header */
};

struct tpgen_event_context {
    __u16 size;                          /* bytes of the event's context (after the process's) */
    __u16 status;                        /* where the status word goes: bit m = member m read, then TPGEN_STRING_*, TPGEN_PACKET_READ */
    __u16 arguments;                     /* tp_btf: bytes of arguments copied to the record after its common fields; 0 for a tracepoint */
    __u8 string_count;
    __u8 member_count;
    __u16 packet_head;                   /* dest of skb->head; 0: no packet */
    __u16 packet_network;                /* dest of skb->network_header */
    __u16 packet_data;                   /* dest of skb->data, read from when no network header is set */
    __u16 packet_dest;                   /* where the packet's first bytes go */
    struct tpgen_user_string strings[TPGEN_MAX_STRINGS];
    struct tpgen_member members[TPGEN_MAX_MEMBERS];
};

struct tpgen_context {
    __u32 string_bytes;                  /* each user string's bound, NUL included */
    __u32 packet_bytes;                  /* bytes of each packet, from its network header */
    struct tpgen_event_context events[{{EVENT_COUNT}}];
};
