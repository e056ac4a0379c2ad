# The two set-up commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PORT ?= 5000
export FLASK_APP = wsgi
# The suite runs once on SQLite, then again on PostgreSQL when this database answers.
TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test install

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

run: $(BIN)/.installed
	$(BIN)/flask db upgrade
	$(BIN)/flask ntm demo
	@echo "Open http://127.0.0.1:$(PORT)/ and log in as chutich / demo1234 (see README for the other accounts)."
	$(BIN)/flask run --host 127.0.0.1 --port $(PORT)

test: $(BIN)/.installed
	$(BIN)/python -m pytest
	@if $(BIN)/python -c "import sqlalchemy as sa, sys; sa.create_engine('$(TEST_DATABASE_URL)'.replace('postgresql://', 'postgresql+psycopg://', 1)).connect().close()" 2>/dev/null; then \
		echo "== again on PostgreSQL ($(TEST_DATABASE_URL))"; \
		TEST_DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python -m pytest; \
	else \
		echo "== PostgreSQL at $(TEST_DATABASE_URL) does not answer: its pass is skipped"; \
	fi

# Interface strings are written in Vietnamese; the English catalogue translates them.
.PHONY: translations
translations: $(BIN)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_pgettext:1c,2 -o ntm_tasks/translations/messages.pot .
	$(BIN)/pybabel update -i ntm_tasks/translations/messages.pot -d ntm_tasks/translations -l en --no-fuzzy-matching
	$(BIN)/pybabel compile -d ntm_tasks/translations
	$(BIN)/pybabel compile -d ntm_tasks/translations -D wtforms
