import { ApiProperty } from '@nestjs/swagger';

/** Body of every 400 of the report API. */
export class BadRequestDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'Invalid query parameter start: start must be one ISO-8601 datetime such as 2025-01-01T00:00:00Z' }) message!: string;
  @ApiProperty({ type: [String], example: ['start'], description: 'The offending query parameters.' }) parameters!: string[];
}

/** Body of a 400 about a JSON request body (the layout editing routes). */
export class BodyBadRequestDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ example: 'Bad Request' }) error!: string;
  @ApiProperty({ example: 'Invalid field displayName: displayName must be longer than or equal to 1 characters' }) message!: string;
  @ApiProperty({ type: [String], example: ['displayName'], description: 'The offending fields (`[2].order` inside a list).' }) fields!: string[];
}
