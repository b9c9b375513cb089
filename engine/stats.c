/* stats.c — being written */
