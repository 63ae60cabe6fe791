"""The classic first EMR job: which cities have the most (broken) McDonald's ice-cream machines?

Usage:
    spark-submit mcdonalds.py INPUT_CSV [OUTPUT_DIR]

Prints the top rows as CSV lines ``city,is_broken,count`` to stdout, ordered by
count descending then city.  If OUTPUT_DIR is given, the full result is also
written there as CSV (with a header).
"""
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

SCHEMA = StructType(
    [
        StructField("lat", StringType()),
        StructField("lon", StringType()),
        StructField("alt", StringType()),
        StructField("is_broken", StringType()),
        StructField("is_active", StringType()),
        StructField("dot", StringType()),
        StructField("state", StringType()),
        StructField("city", StringType()),
        StructField("street", StringType()),
        StructField("country", StringType()),
        StructField("last_checked", StringType()),
    ]
)

TOP = 20


def main(argv):
    if len(argv) < 2:
        print("usage: mcdonalds.py INPUT_CSV [OUTPUT_DIR]", file=sys.stderr)
        return 2
    src = argv[1]
    dst = argv[2] if len(argv) > 2 else None

    spark = SparkSession.builder.appName("mcdonalds").getOrCreate()
    spark.sparkContext.setLogLevel("WARN")
    print(f"mcdonalds: running on Spark {spark.version}", file=sys.stderr, flush=True)
    try:
        df = spark.read.csv(src, header=True, schema=SCHEMA)
        counts = (
            df.groupBy("city", "is_broken")
            .count()
            .orderBy(F.col("count").desc(), F.col("city").asc(), F.col("is_broken").asc())
        )
        for row in counts.limit(TOP).collect():
            print(f"{row['city']},{row['is_broken']},{row['count']}")
        sys.stdout.flush()
        if dst:
            counts.coalesce(1).write.mode("overwrite").csv(dst, header=True)
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
