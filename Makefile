# Two entry points, both bootstrap everything on a fresh machine with Python 3.11:
#   make run   - create .venv, install pinned requirements, build the default databases
#                (census_mortality, then justice_education) and publish their public views if
#                absent or made from another database file (a rebuilt one), start the app
#   make test  - create .venv, install pinned requirements, run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
VPY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test data publish venv clean-data browser

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -r requirements.txt
	touch $@

data: venv
	$(VPY) -m explorer build-data --dataset census_mortality --if-absent
	$(VPY) -m explorer build-data --dataset justice_education --if-absent

# The public summary page reads only data/published/<dataset>.json (protected public views).
# --if-absent republishes when the file records another database (size, modification time).
publish: data
	$(VPY) -m explorer publish --dataset census_mortality --if-absent
	$(VPY) -m explorer publish --dataset justice_education --if-absent

run: publish
	$(VPY) -m streamlit run app.py --server.port $(PORT)

# Browser tests drive Debian's chromium (Playwright cannot download its own browser here).
browser:
	@test -x /usr/bin/chromium || { apt-get update && apt-get install -y chromium; }

test: venv browser
	$(VPY) -m pytest

clean-data:
	rm -f data/*.duckdb data/published/*.json
