"""Process set-up shared by the entry scripts: CPU threads and the allocator.

Debian's torch does its matmuls in OpenBLAS (pthreads build), which ignores torch.set_num_threads and starts
one spinning thread per core; with two trainings on two cores that thrashes. glibc's default allocator also
returns every large activation to the OS and page-faults it back the next step (most of the time at long
sequences was system time); keeping freed memory in the heap removes that. The trim threshold is the largest
glibc takes (INT_MAX): block diffusion's longer training sequences free well over 1 GiB at the top of the heap
after each backward, which a 1 GiB threshold gave back to the OS (and faulted in again) every long step.
Also run with OMP_WAIT_POLICY=PASSIVE in the environment (libgomp reads it before any of this runs).
"""
import ctypes

import torch

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
INT_MAX = 2 ** 31 - 1


def configure(threads: int) -> None:
    torch.set_num_threads(threads)
    try:
        ctypes.CDLL("libopenblas.so.0").openblas_set_num_threads(threads)
    except (OSError, AttributeError):
        pass  # another BLAS: torch.set_num_threads is enough
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, 1 << 30)
        libc.mallopt(M_TRIM_THRESHOLD, INT_MAX)
    except (OSError, AttributeError):
        pass  # not glibc
