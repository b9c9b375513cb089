/* json-writer.c — being written */
