/* graph.c — being written */
