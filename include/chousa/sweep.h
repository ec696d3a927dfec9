/*
 * chousa/sweep.h: sweeping logs and captures against the store.  Part of
 * chousa.h.
 */
#ifndef CHOUSA_SWEEP_H
#define CHOUSA_SWEEP_H

#endif /* CHOUSA_SWEEP_H */
