select percentile(cast(key as bigint), 0.3) from src;
