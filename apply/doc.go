// Package apply executes plans: for each station it checks for an
// interrupted earlier apply, backs up every readable key, writes a journal,
// flashes firmware when the plan says so, writes the changes, and then
// either rolls everything back (a key was rejected) or saves, reboots and
// verifies by reading every changed key back.
//
// The use cases are Apply (`ecc apply`) and Restore (`ecc restore`); Run
// executes prepared jobs. Nothing here prints, prompts, reads stdin or
// looks at a terminal: it emits typed Events to a Reporter and asks
// through an Asker, both implemented by cmd/ecc's views. The approved plan
// is a contract (a re-plan's extra changes are asked for again or left
// pending), and an interrupt never leaves a station half-written.
//
// All-or-nothing, concretely:
//
//   - nothing is sent to a station whose plan is blocked, stale, made over
//     another channel, or names a key outside the classes its channel may
//     write (the editable and write-only ones; over OCPP also the OCPP
//     standard keys, model.Class.WritableOn) or one the controller reports
//     read-only when it is read again before the writes;
//   - every readable key is backed up before the first write, and a journal
//     names the backup before the first write, so that a killed ecc or a
//     pulled cable is noticed by the next run (finish or roll back);
//   - write-only keys (authorizationKey) are written last, only after every
//     other key was accepted, because their previous value cannot be read
//     and so cannot be restored;
//   - a Rejected or NotSupported key makes apply write back the backed-up
//     value of every key this run changed, wait for the save and read them
//     back.
//
// Secrets: a backup never holds a secret. The password field of gsm_APN is
// stored in its redacted form with a fingerprint of the whole value (key
// listed in the backup's "hashed"); authorizationKey is write-only and never
// read. Restoring such a key from a backup therefore needs the value from a
// site file; `ecc restore --backup` skips it with a warning.
package apply
