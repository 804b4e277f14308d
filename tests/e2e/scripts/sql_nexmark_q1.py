"""Nexmark q1 over Flink Nexmark's DDL (the nexmark connector and the bid view), printed one row per line.

Each line: auction, bidder, price (q1's 0.908 * price, DECIMAL(23, 3)), dateTime, length of extra.
"""

from pyflink.table import EnvironmentSettings, TableEnvironment

table_env = TableEnvironment.create(EnvironmentSettings.in_streaming_mode())
table_env.get_config().set("parallelism.default", "1")
table_env.execute_sql("""
CREATE TABLE datagen (
    event_type INT,
    person ROW<id BIGINT, name VARCHAR, emailAddress VARCHAR, creditCard VARCHAR, city VARCHAR, state VARCHAR,
        dateTime TIMESTAMP(3), extra VARCHAR>,
    auction ROW<id BIGINT, itemName VARCHAR, description VARCHAR, initialBid BIGINT, reserve BIGINT, dateTime TIMESTAMP(3),
        expires TIMESTAMP(3), seller BIGINT, category BIGINT, extra VARCHAR>,
    bid ROW<auction BIGINT, bidder BIGINT, price BIGINT, channel VARCHAR, url VARCHAR, dateTime TIMESTAMP(3), extra VARCHAR>,
    dateTime AS CASE WHEN event_type = 0 THEN person.dateTime WHEN event_type = 1 THEN auction.dateTime ELSE bid.dateTime END,
    WATERMARK FOR dateTime AS dateTime - INTERVAL '4' SECOND
) WITH (
    'connector' = 'nexmark',
    'first-event.rate' = '1000',
    'next-event.rate' = '1000',
    'events.num' = '3000',
    'base-time' = '1700000000000',
    'seed' = '3'
)
""")
table_env.execute_sql("""
CREATE VIEW bid AS
SELECT bid.auction, bid.bidder, bid.price, bid.channel, bid.url, dateTime, bid.extra FROM datagen WHERE event_type = 2
""")
with table_env.execute_sql("SELECT auction, bidder, 0.908 * price AS price, dateTime, extra FROM bid").collect() as rows:
    for row in rows:
        print(row[0], row[1], row[2], row[3].isoformat(timespec="milliseconds"), len(row[4]))
