"""Pieces every domain uses: context, errors, node ids, pagination, audit, loaders."""
