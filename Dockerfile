# gifsvc's aiohttp service. docker-compose.yml runs this one image three ways: the service, the
# one-shot that renders nginx's site from nginx/, and the cleanup loop.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    GIFSVC_HOST=0.0.0.0 \
    GIFSVC_DATA_DIR=/data \
    GIFSVC_BEHIND_NGINX=1

# A fixed uid: every container of this image owns the shared volumes alike.
RUN useradd --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin gifsvc

# The compose core's last pass (lossless re-pack, lossy LZW for photos): gifsicle, the release
# the tests and the bench run (Debian bookworm's 1.93; the EC2 host builds it from vendor/).
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends gifsicle \
    && rm -rf /var/lib/apt/lists/* \
    && gifsicle --version | grep -q "LCDF Gifsicle 1.93"

WORKDIR /app
# Exactly the versions the tests ran with: pinned, hash-checked, wheels only (as on the host).
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes --no-deps --only-binary :all: -r requirements.lock
COPY pyproject.toml README.md ./
COPY service/ service/
COPY nginx/ nginx/
# The service runs from /app (service/ops/nginx_conf.py reads its templates from /app/nginx): a
# path entry, as scripts/provision makes on the host. Written as root: the user cannot change it.
RUN echo /app > "$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')/gifsvc.pth"

# A new named volume takes the owner and mode of the directory it is mounted on: these make the
# data and nginx-conf volumes writable by gifsvc and readable by nginx's workers (uid 101).
RUN mkdir /data /nginx-conf \
    && chown gifsvc:gifsvc /data /nginx-conf \
    && chmod 755 /data /nginx-conf

USER gifsvc
EXPOSE 8080
CMD ["python", "-m", "service"]
