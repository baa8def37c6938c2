"""Preloaded by the pool's forkserver process, and by nothing else: importing it ties the
importer's life to its parent's. The forkserver's parent is the service, so if the service is
killed (even by SIGKILL), the forkserver goes too, and with it every worker (see init_worker).
"""

from ..lifetime import die_with_parent

die_with_parent()
