# One image for web, worker and beat.
FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
RUN mkdir -p static/vendor/nhsuk static/vendor/htmx public \
 && cp node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js static/vendor/nhsuk/ \
 && cp -r node_modules/nhsuk-frontend/dist/nhsuk/assets public/assets \
 && cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
COPY --from=assets /app/static/vendor static/vendor
COPY --from=assets /app/public public
RUN python manage.py collectstatic --noinput
RUN useradd --create-home app
USER app
EXPOSE 8000
CMD ["gunicorn", "culture_of_care.wsgi", "--bind", "0.0.0.0:8000"]
