namespace PyStream.Sql.Tests.Printing;

/// <summary>
/// Statements in Flink's dialect: the SQL of issue 14 and the forms Flink's documentation teaches
/// (DDL, window TVFs, OVER aggregations, Top-N, deduplication, joins). Written for these tests.
/// </summary>
internal static class SqlCorpus
{
    public static readonly string[] Statements =
    [
        // Issue 14's seed.
        """
        CREATE TABLE source_table (user_id STRING, event_time TIMESTAMP(3), action STRING)
        WITH ('connector' = 'kafka', 'topic' = 'user_events',
              'properties.bootstrap.servers' = 'localhost:9092')
        """,
        "CREATE TEMPORARY FUNCTION my_upper AS 'udfs.my_upper' LANGUAGE PYTHON",
        "SET 'table.local-time-zone' = 'Europe/Berlin'",
        "SET",
        "RESET 'parallelism.default'",
        "SHOW TABLES",
        "SHOW VIEWS",
        "SHOW FUNCTIONS",
        "DESCRIBE Orders",
        "EXPLAIN PLAN FOR SELECT * FROM Orders WHERE amount > 10",
        "EXPLAIN CHANGELOG_MODE SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id",
        "EXPLAIN ESTIMATED_COST, JSON_EXECUTION_PLAN STATEMENT SET BEGIN INSERT INTO a SELECT * FROM s; INSERT INTO b SELECT * FROM s; END",
        "DROP TEMPORARY TABLE IF EXISTS tmp",
        "DROP VIEW v",
        "DROP TEMPORARY SYSTEM FUNCTION f",
        "USE CATALOG my_catalog",
        // DDL as in Flink's CREATE TABLE page.
        """
        CREATE TABLE Orders (
            `user` BIGINT,
            product STRING,
            order_time TIMESTAMP(3),
            cost AS price * quantity,
            price DOUBLE,
            quantity INT,
            proc AS PROCTIME(),
            `record_time` TIMESTAMP_LTZ(3) METADATA FROM 'timestamp',
            `partition` BIGINT METADATA VIRTUAL,
            WATERMARK FOR order_time AS order_time - INTERVAL '5' SECOND
        ) WITH ('connector' = 'kafka', 'scan.startup.mode' = 'earliest-offset', 'format' = 'json')
        """,
        """
        CREATE TABLE IF NOT EXISTS MyUserTable (
          user_id BIGINT NOT NULL COMMENT 'the id',
          name STRING,
          tags ARRAY<STRING>,
          props MAP<STRING, INT NOT NULL>,
          addr ROW<street STRING, zip INT 'postal code'>,
          scores INT ARRAY,
          amount DECIMAL(10, 2),
          ts TIMESTAMP(3) WITH LOCAL TIME ZONE,
          d DATE, t TIME(0), b BYTES, vb VARBINARY(20), c CHAR(2), v VARCHAR(100), f FLOAT, x DOUBLE PRECISION,
          i INTERVAL DAY(2) TO SECOND(3), ms MULTISET<BIGINT>, tiny TINYINT, small SMALLINT, bool BOOLEAN,
          PRIMARY KEY (user_id) NOT ENFORCED
        ) COMMENT 'users' PARTITIONED BY (name) WITH ('connector' = 'filesystem', 'path' = '/tmp/users', 'format' = 'csv')
        """,
        "CREATE TABLE Orders_with_watermark (id INT, WATERMARK FOR order_time AS order_time - INTERVAL '1' MINUTE) WITH ('scan.startup.mode' = 'latest-offset') LIKE Orders (OVERWRITING WATERMARKS EXCLUDING PARTITIONS)",
        "CREATE TABLE t2 WITH ('topic' = 'copy') LIKE t1",
        "CREATE TABLE sink AS SELECT id, name FROM src WHERE id > 0",
        "CREATE TEMPORARY VIEW IF NOT EXISTS active_users (uid, n) COMMENT 'recent' AS SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id",
        // Queries.
        "SELECT * FROM Orders",
        "SELECT order_id, price + tax AS total FROM Orders WHERE price > 10 AND NOT (tax IS NULL OR tax < 0)",
        "SELECT DISTINCT user_id FROM clicks",
        "SELECT user_id, COUNT(DISTINCT url) AS urls, SUM(amount) FILTER (WHERE amount > 0) FROM clicks GROUP BY user_id HAVING COUNT(*) > 2",
        "SELECT a, b, SUM(c) FROM t GROUP BY GROUPING SETS ((a, b), (a), ())",
        "SELECT a, b, SUM(c) FROM t GROUP BY ROLLUP (a, b)",
        "SELECT a, b, SUM(c) FROM t GROUP BY CUBE (a, b)",
        "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS T(id, name)",
        "VALUES (1), (2), (3)",
        "SELECT id FROM a UNION ALL SELECT id FROM b",
        "(SELECT s FROM t1) UNION (SELECT s FROM t2) INTERSECT (SELECT s FROM t3) EXCEPT SELECT s FROM t4",
        "WITH orders_with_total AS (SELECT order_id, price + tax AS total FROM Orders) SELECT order_id, SUM(total) FROM orders_with_total GROUP BY order_id",
        "SELECT * FROM Orders ORDER BY order_time DESC NULLS LAST, order_id LIMIT 3",
        "SELECT * FROM Orders ORDER BY order_time OFFSET 5 ROWS FETCH NEXT 10 ROWS ONLY",
        "SELECT user, amount FROM Orders WHERE product IN (SELECT product FROM NewProducts)",
        "SELECT user, amount FROM Orders WHERE EXISTS (SELECT product FROM NewProducts WHERE NewProducts.id = Orders.id)",
        "SELECT (SELECT MAX(price) FROM Orders) AS top",
        // Window TVFs, as in Flink's window pages.
        "SELECT * FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))",
        "SELECT * FROM TABLE(TUMBLE(DATA => TABLE Bid, TIMECOL => DESCRIPTOR(bidtime), SIZE => INTERVAL '10' MINUTES))",
        """
        SELECT window_start, window_end, SUM(price) AS total_price
          FROM TABLE(HOP(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES, INTERVAL '10' MINUTES))
          GROUP BY window_start, window_end
        """,
        """
        SELECT window_start, window_end, SUM(price)
          FROM TABLE(CUMULATE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '2' MINUTES, INTERVAL '10' MINUTES))
          GROUP BY window_start, window_end
        """,
        """
        SELECT window_start, window_end, item, SUM(price) AS total_price
          FROM TABLE(SESSION(TABLE Bid PARTITION BY item, DESCRIPTOR(bidtime), INTERVAL '5' MINUTES))
          GROUP BY item, window_start, window_end
        """,
        """
        SELECT window_start, window_end, supplier_id, SUM(price) AS price
          FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
          GROUP BY window_start, window_end, GROUPING SETS ((supplier_id), ())
        """,
        // Window Top-N and deduplication.
        """
        SELECT * FROM (
          SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY price DESC) AS rownum
          FROM (SELECT window_start, window_end, supplier_id, SUM(price) AS price, COUNT(*) AS cnt
                FROM TABLE(TUMBLE(TABLE Bid, DESCRIPTOR(bidtime), INTERVAL '10' MINUTES))
                GROUP BY window_start, window_end, supplier_id)
        ) WHERE rownum <= 3
        """,
        "SELECT order_id, user, product, num FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY order_id ORDER BY proctime ASC) AS row_num FROM Orders) WHERE row_num = 1",
        // OVER aggregations.
        """
        SELECT order_id, order_time, amount,
          SUM(amount) OVER (PARTITION BY product ORDER BY order_time RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW) AS one_hour_prod_amount_sum
        FROM Orders
        """,
        """
        SELECT order_id, order_time, amount,
          SUM(amount) OVER w AS sum_amount,
          AVG(amount) OVER w AS avg_amount
        FROM Orders
        WINDOW w AS (PARTITION BY product ORDER BY order_time ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)
        """,
        "SELECT COUNT(*) OVER (ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM t",
        // Joins.
        "SELECT * FROM Orders INNER JOIN Product ON Orders.product_id = Product.id",
        "SELECT * FROM Orders LEFT JOIN Product ON Orders.product_id = Product.id",
        "SELECT * FROM Orders RIGHT OUTER JOIN Product USING (id)",
        "SELECT * FROM Orders FULL OUTER JOIN Product ON Orders.product_id = Product.id",
        "SELECT * FROM Orders o, Shipments s WHERE o.id = s.order_id AND o.order_time BETWEEN s.ship_time - INTERVAL '4' HOUR AND s.ship_time",
        "SELECT o.order_id, o.total, c.country FROM Orders AS o JOIN Customers FOR SYSTEM_TIME AS OF o.proc_time AS c ON o.customer_id = c.id",
        "SELECT order_id, tag FROM Orders CROSS JOIN UNNEST(tags) AS t (tag)",
        "SELECT order_id, res FROM Orders, LATERAL TABLE(table_func(order_id)) t(res)",
        "SELECT order_id, res FROM Orders LEFT OUTER JOIN LATERAL TABLE(table_func(order_id)) t(res) ON TRUE",
        "SELECT * FROM a JOIN (b JOIN c ON b.k = c.k) ON a.k = b.k",
        "SELECT * FROM LATERAL (SELECT * FROM t WHERE t.k = 1) AS l",
        "SELECT * FROM ((SELECT 1 AS x)) AS s, ((a JOIN b ON a.k = b.k))",
        // Expressions and the scalar function library.
        "SELECT CASE WHEN a > 0 THEN 'pos' WHEN a < 0 THEN 'neg' ELSE 'zero' END, CASE b WHEN 1 THEN 'one' END FROM t",
        "SELECT CAST(a AS BIGINT), TRY_CAST(s AS INT), CAST(ts AS TIMESTAMP(3)), CAST(NULL AS ROW<x INT, y ARRAY<STRING>>) FROM t",
        "SELECT COALESCE(a, b, 0), NULLIF(a, 0), IF(a > 0, 'p', 'n') FROM t",
        "SELECT UPPER(name) || '-' || CONCAT(a, b), SUBSTRING(name FROM 2 FOR 3), SUBSTRING(name, 2), POSITION('x' IN name), TRIM(BOTH ' ' FROM name), TRIM(LEADING FROM name), TRIM(name), OVERLAY(name PLACING 'ab' FROM 2 FOR 1) FROM t",
        "SELECT REGEXP_EXTRACT(s, '(\\d+)', 1), DATE_FORMAT(ts, 'yyyy-MM-dd'), TO_TIMESTAMP('2024-01-01 10:00:00'), TO_TIMESTAMP_LTZ(ms, 3), JSON_VALUE(j, '$.a') FROM t",
        "SELECT EXTRACT(YEAR FROM ts), FLOOR(ts TO HOUR), CEIL(ts TO DAY), FLOOR(x), TIMESTAMPADD(HOUR, 1, ts), TIMESTAMPDIFF(DAY, a, b), CURRENT_TIMESTAMP, CURRENT_DATE, LOCALTIMESTAMP FROM t",
        "SELECT DATE '2024-01-01', TIME '10:00:00', TIMESTAMP '2024-01-01 10:00:00.123', INTERVAL '1:30' HOUR TO MINUTE, INTERVAL -'3' DAY, X'CAFE', 1.5E-3, .5, TRUE, FALSE, UNKNOWN, NULL",
        "SELECT a IS NULL, a IS NOT NULL, b IS TRUE, b IS NOT FALSE, a IS DISTINCT FROM b, a IS NOT DISTINCT FROM b FROM t",
        "SELECT a NOT BETWEEN SYMMETRIC 1 AND 10, s LIKE 'a%' ESCAPE '!', s NOT LIKE '_b', s SIMILAR TO '(a|b)+', a NOT IN (1, 2, 3) FROM t",
        "SELECT ROW(a, b), (a, b), ARRAY[1, 2, 3], MAP['k', 1, 'v', 2], arr[1], m['k'], r.f, f(x).g, -a * +b % 3, 1 - -2 FROM t",
        "SELECT `select`, `My Column`, `a``b`, t.`from` FROM `weird table` AS `t`",
        "SELECT cat.db.fn(x), LEFT(s, 2), RIGHT(s, 3) FROM cat.db.t",
        "SELECT user_id, LISTAGG(url, ',') AS urls, FIRST_VALUE(url), LAST_VALUE(url) FROM clicks GROUP BY user_id",
        "SELECT TUMBLE_START(rowtime, INTERVAL '1' HOUR), COUNT(*) FROM clicks GROUP BY TUMBLE(rowtime, INTERVAL '1' HOUR), user_id",
        // MATCH_RECOGNIZE: Flink's documented ticker example and every clause.
        """
        SELECT * FROM Ticker
            MATCH_RECOGNIZE (
                PARTITION BY symbol
                ORDER BY rowtime
                MEASURES
                    START_ROW.rowtime AS start_tstamp,
                    LAST(PRICE_DOWN.rowtime) AS bottom_tstamp,
                    LAST(PRICE_UP.rowtime) AS end_tstamp
                ONE ROW PER MATCH
                AFTER MATCH SKIP TO LAST PRICE_UP
                PATTERN (START_ROW PRICE_DOWN+ PRICE_UP)
                DEFINE
                    PRICE_DOWN AS
                        (LAST(PRICE_DOWN.price, 1) IS NULL AND PRICE_DOWN.price < START_ROW.price) OR
                            PRICE_DOWN.price < LAST(PRICE_DOWN.price, 1),
                    PRICE_UP AS
                        PRICE_UP.price > LAST(PRICE_DOWN.price, 1)
            ) MR
        """,
        "SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts MEASURES FIRST(A.v) AS f, SUM(B.v) AS s, CLASSIFIER() AS c, MATCH_ROWTIME() AS rt AFTER MATCH SKIP PAST LAST ROW PATTERN (A B*? C{2} D{2,} E{1,3}? F?) WITHIN INTERVAL '1' HOUR DEFINE A AS v > PREV(v), B AS TRUE)",
        "SELECT * FROM t MATCH_RECOGNIZE (PARTITION BY k, j ORDER BY ts ALL ROWS PER MATCH AFTER MATCH SKIP TO NEXT ROW PATTERN (A (B C)+ (D)) DEFINE A AS a = 1) AS m (x, y)",
        "SELECT * FROM t MATCH_RECOGNIZE (ORDER BY ts AFTER MATCH SKIP TO FIRST B PATTERN (A B{,3}) DEFINE B AS B.v > A.v)",
        // DML.
        "INSERT INTO sink SELECT * FROM src",
        "INSERT INTO sink (a, b) VALUES (1, 'x'), (2, 'y')",
        "INSERT OVERWRITE sink SELECT a, b FROM src",
        """
        EXECUTE STATEMENT SET
        BEGIN
          INSERT INTO pageviews SELECT page_id, browser FROM clicks;
          INSERT INTO uniques SELECT page_id, COUNT(DISTINCT user_id) FROM clicks GROUP BY page_id;
        END
        """,
    ];
}
