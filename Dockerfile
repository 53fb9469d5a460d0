# Build stage: Maven with a JDK 21.
FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q -DskipTests package

# Run stage: a JRE 21 and the fat jar.
FROM eclipse-temurin:21-jre
WORKDIR /app
RUN useradd --system --home /app switchboard && mkdir -p /app/data && chown switchboard /app/data
COPY --from=build /src/target/switchboard.jar /app/switchboard.jar
COPY cluster.xml /app/cluster.xml
USER switchboard
ENV SWITCHBOARD_DATA_DIR=/app/data
EXPOSE 8080 5701
VOLUME /app/data
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/switchboard.jar"]
