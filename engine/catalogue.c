/* catalogue.c — being written */
