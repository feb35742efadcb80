# The two set-up commands are `make demo` and `make test`; see README.md.
UV ?= $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
RUN = $(UV) run --frozen
PYTEST_ARGS ?=
export DJANGO_SETTINGS_MODULE := hyeopchi.settings

.PHONY: install demo serve test bench lint format messages clean

install:
	bash scripts/bootstrap.sh
	$(RUN) django-admin compilemessages --ignore=.venv -v 0

demo: install
	mkdir -p var
	$(RUN) django-admin migrate --no-input -v 0
	$(RUN) django-admin load_demo
# A background worker runs the counting tasks next to the web server; stopped with it.
	$(RUN) django-admin db_worker --no-reload -v 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(RUN) django-admin runserver 127.0.0.1:8000

test: install
	bash scripts/with-postgres.sh $(RUN) pytest $(PYTEST_ARGS)

bench: install
	bash scripts/with-postgres.sh $(RUN) python -m benchmarks

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy

format:
	$(RUN) ruff format .
	$(RUN) ruff check --fix .

messages:
	cd src/hyeopchi && $(RUN) django-admin makemessages -l ko --no-obsolete -v 0
	$(RUN) django-admin compilemessages --ignore=.venv -v 0

clean:
	rm -rf var .pytest_cache
