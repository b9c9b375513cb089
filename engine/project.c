/* project.c — being written */
